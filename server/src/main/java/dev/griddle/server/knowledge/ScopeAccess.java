package dev.griddle.server.knowledge;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The visibility rule for knowledge scopes. An org scope is an org-wide object: every key of the
 * organization reads and searches it, only a key for all projects writes it. A project scope
 * follows the project, an agent or runner scope its owner's project, read at the time of the call
 * (an agent moved to another project takes its documents along): a key that does not see the
 * project gets 404, as for an id of another organization. Read-only SQL on the owners' tables.
 */
@Component
class ScopeAccess {

    private final JdbcClient jdbc;

    ScopeAccess(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A scope as a request names it, not yet looked up. */
    record Named(ScopeType type, UUID id) {
    }

    /** The scope a request names ({@code scope_type}, {@code scope_id}); 422 for a malformed pair, 404 for one the key cannot see. */
    Scope resolve(Caller caller, String type, String id, boolean write) {
        Named named = parse(type, id);
        Scope scope = resolve(caller, named.type(), named.id());
        if (write && scope.type() == ScopeType.ORG) {
            caller.requireAllProjects("change organization-wide knowledge");
        }
        return scope;
    }

    /** The pair checked for form only (422 naming the field); nothing is looked up. */
    static Named parse(String type, String id) {
        FieldErrors errors = new FieldErrors();
        Named named = parse(type, id, "", errors);
        errors.throwIfAny();
        return named;
    }

    /** The pair checked for form only, its problems added under {@code at} ({@code "scopes[0]."}, or {@code ""}); null when it has any. */
    static Named parse(String type, String id, String at, FieldErrors errors) {
        boolean ok = true;
        ScopeType scopeType = ScopeType.parse(type);
        if (type == null || type.isBlank()) {
            errors.add(at + "scope_type", "required: one of org, project, agent, runner");
            ok = false;
        } else if (scopeType == null) {
            errors.add(at + "scope_type", "must be one of org, project, agent, runner, was '" + shorten(type) + "'");
            ok = false;
        }
        UUID scopeId = null;
        boolean badId = false;
        if (id != null && !id.isBlank()) {
            try {
                scopeId = UUID.fromString(id.strip());
            } catch (IllegalArgumentException e) {
                errors.add(at + "scope_id", "must be a UUID, was '" + shorten(id) + "'");
                badId = true;
                ok = false;
            }
        }
        if (scopeType == ScopeType.ORG && scopeId != null) {
            errors.add(at + "scope_id", "must be left out for scope_type org");
            ok = false;
        } else if (scopeType != null && scopeType != ScopeType.ORG && scopeId == null && !badId) {
            errors.add(at + "scope_id", "required for scope_type " + scopeType.wireName());
            ok = false;
        }
        return ok ? new Named(scopeType, scopeId) : null;
    }

    /** The scope as it is now, if the key sees it; else 404. */
    Scope resolve(Caller caller, ScopeType type, UUID id) {
        if (type == ScopeType.ORG) {
            return Scope.org();
        }
        Optional<Scope> scope = lookup(caller.orgId(), type, id);
        if (scope.isEmpty() || !caller.sees(scope.get().ownerProject())) {
            throw ApiException.notFound(type.wireName(), id);
        }
        return scope.get();
    }

    /**
     * The scope as it is now, if {@code reach} (a run's project, as {@link ProjectScope#ofOwner}) sees
     * it; empty for one of another project or organization, as for one that does not exist.
     */
    Optional<Scope> visible(UUID orgId, ProjectScope reach, ScopeType type, UUID id) {
        if (type == ScopeType.ORG) {
            return Optional.of(Scope.org());
        }
        return lookup(orgId, type, id).filter(scope -> reach.sees(scope.ownerProject()));
    }

    /** The scope as it is now, whoever asks; empty when its owner does not exist in the organization. */
    Optional<Scope> lookup(UUID orgId, ScopeType type, UUID id) {
        String table = switch (type) {
            case PROJECT -> "select id as project_id from projects where org_id = :org and id = :id";
            case AGENT -> "select project_id from agents where org_id = :org and id = :id";
            case RUNNER -> "select project_id from runners where org_id = :org and id = :id";
            case ORG -> throw new IllegalStateException();
        };
        return jdbc.sql(table).param("org", orgId).param("id", id)
                .query((rs, n) -> new Scope(type, id, rs.getObject("project_id", UUID.class))).optional();
    }

    /** Whether the key may read a document of this scope (org scopes: always). */
    static boolean sees(Caller caller, Scope scope) {
        return scope.type() == ScopeType.ORG || caller.sees(scope.ownerProject());
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}

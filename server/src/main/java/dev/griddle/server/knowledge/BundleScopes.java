package dev.griddle.server.knowledge;

import dev.griddle.server.apply.Bundle;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.node.StringNode;

/**
 * A knowledge scope named in an apply bundle ({@code scope_type} and {@code scope}), for its
 * {@code knowledge} section and for the {@code knowledge} connections of its runners and agents:
 * {@code org}; a project the key sees, by id; or a runner or agent by reference (name or id, in the
 * bundle or the organization), including one the bundle is about to create, whose project is the
 * one the bundle gives it.
 */
final class BundleScopes {

    private BundleScopes() {
    }

    /** The scope, or empty with the problem in {@code errors} under {@code prefix} ({@code scope_type}, {@code scope}). */
    static Optional<Scope> resolve(Bundle bundle, ScopeAccess scopes, String scopeType, String scope, String prefix, FieldErrors errors) {
        ScopeType type = ScopeType.parse(scopeType);
        if (type == null) {
            errors.add(prefix + "scope_type", scopeType == null || scopeType.isBlank() ? "required: one of org, project, agent, runner"
                    : "must be one of org, project, agent, runner");
            return Optional.empty();
        }
        String ref = scope == null ? null : scope.strip();
        Caller caller = bundle.caller();
        switch (type) {
            case ORG -> {
                if (ref != null && !ref.isEmpty()) {
                    errors.add(prefix + "scope", "must be left out for scope_type org");
                    return Optional.empty();
                }
                return Optional.of(Scope.org());
            }
            case PROJECT -> {
                UUID id = uuid(ref);
                Optional<Scope> project = id == null ? Optional.empty() : scopes.lookup(caller.orgId(), type, id)
                        .filter(s -> caller.sees(s.ownerProject()));
                if (project.isEmpty()) {
                    errors.add(prefix + "scope", ref == null || ref.isEmpty() ? "required for scope_type project: the project's id"
                            : "no project with id '" + ref + "' in this organization");
                }
                return project;
            }
            default -> {
                Optional<UUID> id = bundle.resolve(type.wireName(), ref == null ? null : StringNode.valueOf(ref), prefix + "scope");
                if (id.isEmpty()) {
                    return Optional.empty();
                }
                Optional<Optional<UUID>> declared = bundle.declaredProject(id.get());
                return declared.isPresent() ? Optional.of(new Scope(type, id.get(), declared.get().orElse(null)))
                        : scopes.lookup(caller.orgId(), type, id.get());
            }
        }
    }

    /** Whether the bundle creates this scope's owner (it does not exist yet). */
    static boolean createdByBundle(ScopeAccess scopes, Bundle bundle, Scope scope) {
        return scope.type() != ScopeType.ORG && scope.type() != ScopeType.PROJECT
                && scopes.lookup(bundle.caller().orgId(), scope.type(), scope.id()).isEmpty();
    }

    private static UUID uuid(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

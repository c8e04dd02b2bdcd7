package dev.griddle.server.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling: the organization every query is scoped to, the key, its role and, when the key
 * is limited to some projects, those projects ({@code null} = all of them).
 */
public record Caller(UUID orgId, UUID keyId, Role role, Set<UUID> projectIds, boolean instanceAdmin) {

    /** The caller the auth filter put on the request; empty on a path it does not cover. For servlets outside MVC (the MCP server). */
    public static Optional<Caller> of(HttpServletRequest request) {
        return Optional.ofNullable((Caller) request.getAttribute(AuthFilter.CALLER));
    }

    public boolean allProjects() {
        return projectIds == null;
    }

    /**
     * Refuses ({@code 403}) any key but an admin. The auth filter's role rules already refuse such
     * keys by path; a handler that must be admin-only checks again, so that no spelling of a path
     * or a new route can bypass its role.
     */
    public void requireAdmin(String what) {
        if (role != Role.ADMIN) {
            throw ApiException.forbidden("Role '" + role.wireName() + "' may not " + what + "; it needs an admin key");
        }
    }

    /** Refuses ({@code 403}) any key but the instance admin (the bootstrap key); see {@link #requireAdmin}. */
    public void requireInstanceAdmin(String what) {
        if (!instanceAdmin) {
            throw ApiException.forbidden("Only the instance admin key may " + what);
        }
    }

    /** Whether a resource in {@code projectId} (null = in no project) is visible to this key. */
    public boolean sees(UUID projectId) {
        return projectIds == null || (projectId != null && projectIds.contains(projectId));
    }

    /**
     * Refuses ({@code 403}) a key limited to some projects: org-wide objects such as integrations
     * and MCP servers are used by every project, so only a key for all of them may change them.
     * {@code what} names the action, like {@code "change integrations"}.
     */
    public void requireAllProjects(String what) {
        if (!allProjects()) {
            throw ApiException.forbidden("A key limited to some projects may not " + what + ": they belong to the whole organization; "
                    + "use a key for all projects");
        }
    }
}

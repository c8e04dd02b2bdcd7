package dev.griddle.server.web;

import java.util.regex.Pattern;

/**
 * The role rules of API.md, in one place: the API's {@link AuthFilter} applies them to every
 * request by its path, and the console applies them to each of its actions by the API route the
 * action performs, so that a browser session may do exactly what its key may do.
 */
public final class RoleRules {

    private RoleRules() {
    }

    private static final Pattern MEMORY_SEARCH = Pattern.compile("/api/v1/agents/[^/]+/memory/search");

    /** Why this role may not make this request, or null when it may. */
    public static String denial(Caller caller, String method, String path) {
        boolean workerRoute = path.startsWith("/api/v1/workers") || path.startsWith("/api/v1/tasks");
        // a knowledge or memory search is a read sent as POST (its query is a body)
        boolean read = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")
                || method.equals("POST") && (path.equals("/api/v1/knowledge/search") || MEMORY_SEARCH.matcher(path).matches());
        if (path.startsWith("/api/v1/organizations") && !caller.instanceAdmin()) {
            return "Only the instance admin key may manage organizations";
        }
        if (AuthFilter.interop(path)) {
            return caller.role() == Role.WORKER ? "Role 'worker' may only use the worker protocol (/api/v1/workers, /api/v1/tasks)" : null;
        }
        return switch (caller.role()) {
            case ADMIN -> null;
            case CONTRIBUTOR -> path.startsWith("/api/v1/keys") ? "Role 'contributor' may not manage API keys" : null;
            case VIEWER -> read ? null : "Role 'viewer' is read-only";
            case WORKER -> workerRoute ? null : "Role 'worker' may only use the worker protocol (/api/v1/workers, /api/v1/tasks)";
        };
    }

    /** Refuses ({@code 403}) what {@link #denial} refuses. */
    public static void require(Caller caller, String method, String apiPath) {
        String denied = denial(caller, method, apiPath);
        if (denied != null) {
            Audit.denied(caller, method, apiPath, denied);
            throw ApiException.forbidden(denied);
        }
    }
}

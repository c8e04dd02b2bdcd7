package dev.griddle.server.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;

/**
 * The one spelling of a path the server accepts. Spring routes on the decoded path with
 * {@code ;params} dropped, while the servlet API hands filters the raw URI; a path that spells the
 * same route two ways ({@code /%61pi}, {@code /api;x}, {@code /api//v1}, {@code /api/./v1}) could
 * then pass a filter's check and still reach the route. So such spellings are refused outright
 * ({@link PathGuardFilter}), and the filters decide on {@link #routed}, the path Spring matches.
 */
public final class PathRules {

    private PathRules() {
    }

    /** What is wrong with a raw request path (no query string), or null when it is in canonical form. */
    static String problem(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return null;
        }
        if (rawPath.indexOf('%') >= 0) {
            return "it has percent-encoded characters";
        }
        if (rawPath.indexOf(';') >= 0) {
            return "it has ';' path parameters";
        }
        if (rawPath.indexOf('\\') >= 0) {
            return "it has a backslash";
        }
        if (rawPath.contains("//")) {
            return "it has an empty segment ('//')";
        }
        for (String segment : rawPath.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "it has a '" + segment + "' segment";
            }
        }
        return null;
    }

    /** The refusal of a path that is not in canonical form. */
    static ApiException refusal(String rawPath, String problem) {
        String shown = rawPath.length() > 200 ? rawPath.substring(0, 197) + "..." : rawPath;
        return new ApiException(org.springframework.http.HttpStatus.BAD_REQUEST, "INVALID_PATH",
                "Path '" + shown + "' is refused: " + problem + ". Paths are accepted only in their plain spelling", null,
                "Send the path without percent-encoding, ';', '//', '.' or '..' segments: ids are UUIDs and names use letters, digits and '_'.");
    }

    /** The path within the application as Spring's router matches it: each segment decoded, {@code ;params} dropped. */
    public static String routed(HttpServletRequest request) {
        RequestPath path = RequestPath.parse(request.getRequestURI(), request.getContextPath());
        StringBuilder out = new StringBuilder();
        for (PathContainer.Element element : path.pathWithinApplication().elements()) {
            out.append(element instanceof PathContainer.PathSegment segment ? segment.valueToMatch() : element.value());
        }
        return out.toString();
    }
}

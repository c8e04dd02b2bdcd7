package dev.griddle.server.tool.mcp;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * What of an MCP server's URL may be shown, and where it sends its headers. A URL may carry
 * credentials (userinfo, {@code ?token=...}, {@code ?api_key=...}); its redacted form masks the
 * userinfo and every query value, and is what views, errors and logs show. Tokens written into the
 * path cannot be told from a path and are shown: credentials belong in {@code headers}.
 */
final class McpUrls {

    static final String MASK = "***";

    private McpUrls() {
    }

    /** {@code https://u:p@host/mcp?token=abc&v=2} -> {@code https://***@host/mcp?token=***&v=***}; null stays null. */
    static String redacted(String url) {
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return MASK;
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null) {
            return MASK;
        }
        String authority = uri.getRawAuthority();
        int at = authority.lastIndexOf('@');
        StringBuilder out = new StringBuilder(uri.getScheme()).append("://").append(at < 0 ? authority : MASK + authority.substring(at));
        out.append(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            out.append('?');
            String[] pairs = uri.getRawQuery().split("&", -1);
            for (int i = 0; i < pairs.length; i++) {
                int eq = pairs[i].indexOf('=');
                out.append(i == 0 ? "" : "&").append(eq < 0 ? pairs[i] : pairs[i].substring(0, eq + 1) + MASK);
            }
        }
        return out.toString();
    }

    /** {@code message} with the full URL (if it appears) replaced by its redacted form. */
    static String scrub(String message, String url) {
        return message == null || url == null ? message : message.replace(url, redacted(url));
    }

    /** Whether headers sent to {@code before} may go to {@code after}: same scheme, host and port. */
    static boolean sameOrigin(String before, String after) {
        return before != null && after != null && Objects.equals(origin(before), origin(after));
    }

    private static String origin(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

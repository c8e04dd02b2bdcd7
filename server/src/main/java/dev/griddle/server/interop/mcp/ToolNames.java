package dev.griddle.server.interop.mcp;

import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * MCP tool names from runner and agent names. MCP allows {@code ^[a-zA-Z0-9_-]{1,64}$}: other
 * characters become {@code _}, longer names are cut. Two entries that come out the same keep the
 * plain name for the oldest and add {@code _} and the first 8 hex digits of the id to the others,
 * so a name changes only when its runner or agent is renamed (or an older one takes its name).
 */
final class ToolNames {

    static final int MAX = 64;
    static final Pattern VALID = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final Pattern INVALID_CHARS = Pattern.compile("[^a-zA-Z0-9_-]");

    private ToolNames() {
    }

    /** {@code prefix + name} in the allowed characters, at most 64 of them; {@code fallback} when nothing is left. */
    static String plain(String prefix, String name, String fallback) {
        String cleaned = INVALID_CHARS.matcher(name == null ? "" : name).replaceAll("_");
        String out = prefix + (cleaned.isEmpty() ? fallback : cleaned);
        return out.length() > MAX ? out.substring(0, MAX) : out;
    }

    /** {@code plain}, or with the id suffix when {@code taken} already holds it. */
    static String unique(String plain, UUID id, Set<String> taken) {
        if (!taken.contains(plain)) {
            return plain;
        }
        String suffix = "_" + id.toString().substring(0, 8);
        return plain.substring(0, Math.min(plain.length(), MAX - suffix.length())) + suffix;
    }
}

package dev.griddle.server.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The audit trail: one structured line per change to keys, organizations and secrets, and per
 * refusal of a key's role, on the logger {@value #LOGGER}. Each line names the acting key
 * ({@code key_id}) and its organization ({@code org_id}), the {@code action} and its
 * {@code target_id}, as {@code key=value} text and as SLF4J key-value pairs (for JSON encoders).
 * Never a secret: callers pass ids, names and roles only.
 */
public final class Audit {

    public static final String LOGGER = "griddle.audit";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private Audit() {
    }

    /** A change by {@code caller}: {@code action} like {@code key.create}, on {@code target} (an id or a name). */
    public static void record(Caller caller, String action, Object target) {
        record(caller, action, target, Map.of());
    }

    /** The same with more fields (ids, roles; never a secret). */
    public static void record(Caller caller, String action, Object target, Map<String, ?> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("action", action);
        line.put("org_id", caller.orgId());
        line.put("key_id", caller.keyId());
        line.put("target_id", target);
        line.putAll(fields);
        write(line);
    }

    /** A request refused for the key's role or projects ({@code 403}). */
    static void denied(Caller caller, String method, String path, String reason) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("action", "denied");
        line.put("org_id", caller.orgId());
        line.put("key_id", caller.keyId());
        line.put("role", caller.role().wireName());
        line.put("method", method);
        line.put("path", path);
        line.put("reason", reason);
        write(line);
    }

    private static void write(Map<String, Object> line) {
        if (!log.isInfoEnabled()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        LoggingEventBuilder event = log.atInfo();
        line.forEach((key, value) -> {
            if (value == null) {
                return;
            }
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(key).append('=').append(quoted(value.toString()));
            event.addKeyValue(key, value.toString());
        });
        event.setMessage(text.toString()).log();
    }

    /** Values with spaces, quotes or '=' are quoted, so a line splits into its fields unambiguously. */
    private static String quoted(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '=' || c == '\\')) {
            return value;
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"', '\\' -> out.append('\\').append(c);
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c < ' ' ? ' ' : c);
            }
        }
        return out.append('"').toString();
    }
}

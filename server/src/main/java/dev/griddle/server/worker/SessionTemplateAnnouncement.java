package dev.griddle.server.worker;

import dev.griddle.server.web.FieldErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The {@code session_templates} a worker announces when it registers (docs/sessions.md): at most
 * 100, each {@code {name, exec, labels, idle_after_ms, max_duration_ms, max_output_bytes,
 * env_secrets}}. The command itself stays on the host: the server never learns or sends it.
 */
final class SessionTemplateAnnouncement {

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}");
    private static final Pattern ENV = Pattern.compile("[A-Z_][A-Z0-9_]{0,99}");
    private static final Set<String> FIELDS = Set.of("name", "exec", "labels", "idle_after_ms", "max_duration_ms", "max_output_bytes",
            "env_secrets");

    private SessionTemplateAnnouncement() {
    }

    /** The template names, after adding what is wrong with the announcement to {@code errors}. */
    static List<String> validate(JsonNode templates, FieldErrors errors) {
        List<String> names = new ArrayList<>();
        if (templates == null || templates.isNull()) {
            return names;
        }
        if (!templates.isArray() || templates.size() > 100) {
            errors.add("session_templates", "must be a list of at most 100 templates");
            return names;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode t : templates) {
            String name = t.path("name").asString("");
            if (!t.isObject() || !WORD.matcher(name).matches() || !seen.add(name)) {
                errors.add("session_templates", "each needs a unique name of 1-100 letters, digits and _.:/-, was '" + name + "'");
                continue;
            }
            for (String field : t.propertyNames()) {
                if (!FIELDS.contains(field)) {
                    errors.add("session_templates", "template '" + name + "': unknown field '" + field + "'");
                }
            }
            if (!t.path("exec").isMissingNode() && !t.path("exec").isBoolean()) {
                errors.add("session_templates", "template '" + name + "': exec must be true or false");
            }
            for (String limit : List.of("idle_after_ms", "max_duration_ms", "max_output_bytes")) {
                JsonNode v = t.path(limit);
                if (!v.isMissingNode() && (!v.isIntegralNumber() || v.longValue() < 0)) {
                    errors.add("session_templates", "template '" + name + "': " + limit + " must be a whole number >= 0");
                }
            }
            words(t.path("labels"), WORD, "labels", name, errors);
            words(t.path("env_secrets"), ENV, "env_secrets", name, errors);
            names.add(name);
        }
        return names;
    }

    private static void words(JsonNode list, Pattern pattern, String field, String template, FieldErrors errors) {
        if (list.isMissingNode()) {
            return;
        }
        if (!list.isArray() || list.size() > 100) {
            errors.add("session_templates", "template '" + template + "': " + field + " must be a list of at most 100 strings");
            return;
        }
        for (JsonNode v : list) {
            if (!v.isString() || !pattern.matcher(v.asString()).matches()) {
                errors.add("session_templates", "template '" + template + "': " + field + " entry '" + v.asString() + "' is not allowed");
            }
        }
    }
}

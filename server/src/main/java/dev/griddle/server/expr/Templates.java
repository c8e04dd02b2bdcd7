package dev.griddle.server.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import tools.jackson.databind.JsonNode;

/**
 * The {@code {{ expr }}} syntax inside strings, shared by rendering and by validation (which needs
 * each expression with the JSON path of the string it sits in).
 */
public final class Templates {

    private static final String OPEN = "{{";
    private static final String CLOSE = "}}";

    private Templates() {
    }

    /** A piece of a templated string: literal text, or a CEL expression (trimmed) when {@code expression} is true. */
    public record Part(String text, boolean expression) {
    }

    /** Splits a string into literal and expression parts. @throws ExpressionException for a {@code {{} without its {@code }}} or an empty one */
    public static List<Part> parse(String s) {
        List<Part> parts = new ArrayList<>();
        int at = 0;
        while (true) {
            int open = s.indexOf(OPEN, at);
            if (open < 0) {
                if (at < s.length()) {
                    parts.add(new Part(s.substring(at), false));
                }
                return parts;
            }
            int close = s.indexOf(CLOSE, open + OPEN.length());
            if (close < 0) {
                throw new ExpressionException("unbalanced '{{' at position " + open + " in \"" + abbreviate(s) + "\"");
            }
            if (open > at) {
                parts.add(new Part(s.substring(at, open), false));
            }
            String expression = s.substring(open + OPEN.length(), close).strip();
            if (expression.isEmpty()) {
                throw new ExpressionException("empty '{{ }}' at position " + open + " in \"" + abbreviate(s) + "\"");
            }
            parts.add(new Part(expression, true));
            at = close + CLOSE.length();
        }
    }

    /**
     * The expression when {@code s} is exactly one {@code {{ expr }}} (surrounding whitespace allowed):
     * such a string renders to the value itself, keeping its JSON type. Otherwise null.
     */
    public static String single(String s) {
        String t = s.strip();
        if (!t.startsWith(OPEN) || !t.endsWith(CLOSE) || t.length() < OPEN.length() + CLOSE.length()) {
            return null;
        }
        String inner = t.substring(OPEN.length(), t.length() - CLOSE.length());
        if (inner.contains(OPEN) || inner.contains(CLOSE) || inner.isBlank()) {
            return null;
        }
        return inner.strip();
    }

    public static boolean hasTemplate(String s) {
        return s.contains(OPEN);
    }

    /**
     * Calls {@code visitor} with (path, string) for every string value under {@code node}; paths
     * extend {@code base} like {@code with.headers.Authorization} or {@code with.items[2]}. Keys are
     * not templated, so they are not visited.
     */
    public static void forEachString(JsonNode node, String base, BiConsumer<String, String> visitor) {
        if (node == null) {
            return;
        }
        if (node.isString()) {
            visitor.accept(base, node.asString());
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                forEachString(node.get(i), base + "[" + i + "]", visitor);
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                forEachString(e.getValue(), base.isEmpty() ? e.getKey() : base + "." + e.getKey(), visitor);
            }
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}

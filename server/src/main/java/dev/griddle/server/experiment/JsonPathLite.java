package dev.griddle.server.experiment;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/** A dotted path with {@code [n]} indices ({@code summary}, {@code items[0].name}) into a JSON value. */
final class JsonPathLite {

    private JsonPathLite() {
    }

    /** The path's steps (a String key or an Integer index), or null when it is not such a path. */
    static List<Object> parse(String path) {
        List<Object> steps = new ArrayList<>();
        for (String part : path.split("\\.", -1)) {
            String rest = part;
            int bracket = rest.indexOf('[');
            String key = bracket < 0 ? rest : rest.substring(0, bracket);
            if (!key.isEmpty()) {
                steps.add(key);
            } else if (bracket != 0) {
                return null;
            }
            rest = bracket < 0 ? "" : rest.substring(bracket);
            while (!rest.isEmpty()) {
                int close = rest.indexOf(']');
                if (!rest.startsWith("[") || close < 2) {
                    return null;
                }
                try {
                    steps.add(Integer.parseInt(rest.substring(1, close)));
                } catch (NumberFormatException e) {
                    return null;
                }
                rest = rest.substring(close + 1);
            }
        }
        return steps.isEmpty() ? null : steps;
    }

    /** The value at {@code path} (missing when absent); the whole value for a null path. */
    static JsonNode at(JsonNode node, String path) {
        if (path == null || node == null) {
            return node == null ? MissingNode.getInstance() : node;
        }
        JsonNode at = node;
        for (Object step : parse(path)) {
            at = step instanceof Integer i ? at.path(i) : at.path((String) step);
        }
        return at;
    }
}

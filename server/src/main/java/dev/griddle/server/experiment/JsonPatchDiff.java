package dev.griddle.server.experiment;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An RFC 6902 JSON Patch that turns one JSON value into another: objects compared key by key
 * (keys removed, added, or diffed in place), arrays index by index with the extra tail added or
 * removed (last index first, so each path is valid when its operation runs), anything else
 * replaced when unequal. Not minimal for moved array items, but always correct: applying the patch
 * to {@code from} gives {@code to}. Paths are RFC 6901 pointers ({@code ~0}, {@code ~1} escapes).
 * No JSON Patch library for Jackson 3 was to be had: zjsonpatch and java-json-tools are Jackson 2.
 */
final class JsonPatchDiff {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonPatchDiff() {
    }

    static ArrayNode diff(JsonNode from, JsonNode to) {
        ArrayNode ops = NODES.arrayNode();
        diff(orNull(from), orNull(to), "", ops);
        return ops;
    }

    private static void diff(JsonNode from, JsonNode to, String path, ArrayNode ops) {
        if (from.equals(to)) {
            return;
        }
        if (from.isObject() && to.isObject()) {
            for (String name : from.propertyNames()) {
                if (!to.has(name)) {
                    ops.add(op("remove", path + "/" + escape(name)));
                }
            }
            for (String name : to.propertyNames()) {
                String at = path + "/" + escape(name);
                if (!from.has(name)) {
                    ops.add(op("add", at).set("value", to.get(name)));
                } else {
                    diff(from.get(name), to.get(name), at, ops);
                }
            }
            return;
        }
        if (from.isArray() && to.isArray()) {
            int common = Math.min(from.size(), to.size());
            for (int i = 0; i < common; i++) {
                diff(from.get(i), to.get(i), path + "/" + i, ops);
            }
            for (int i = from.size() - 1; i >= common; i--) {
                ops.add(op("remove", path + "/" + i));
            }
            for (int i = common; i < to.size(); i++) {
                ops.add(op("add", path + "/-").set("value", to.get(i)));
            }
            return;
        }
        ops.add(op("replace", path).set("value", to));
    }

    private static ObjectNode op(String op, String path) {
        return NODES.objectNode().put("op", op).put("path", path);
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null || node.isMissingNode() ? NODES.nullNode() : node;
    }
}

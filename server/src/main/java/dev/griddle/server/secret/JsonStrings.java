package dev.griddle.server.secret;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Walks the string values of a JSON tree (keys are left alone). */
final class JsonStrings {

    private JsonStrings() {
    }

    static void visit(JsonNode node, Consumer<String> visitor) {
        if (node == null) {
            return;
        }
        if (node.isString()) {
            visitor.accept(node.asString());
        } else if (node.isContainer()) {
            for (JsonNode child : node.values()) {
                visit(child, visitor);
            }
        }
    }

    /** A copy of {@code node} with {@code f} applied to every string value; {@code node} itself when nothing changed. */
    static JsonNode map(JsonNode node, UnaryOperator<String> f) {
        if (node == null) {
            return null;
        }
        if (node.isString()) {
            String before = node.asString();
            String after = f.apply(before);
            return after.equals(before) ? node : JsonNodeFactory.instance.stringNode(after);
        }
        if (node.isArray()) {
            ArrayNode out = null;
            for (int i = 0; i < node.size(); i++) {
                JsonNode child = node.get(i);
                JsonNode mapped = map(child, f);
                if (mapped != child && out == null) {
                    out = (ArrayNode) node.deepCopy();
                }
                if (out != null) {
                    out.set(i, mapped);
                }
            }
            return out == null ? node : out;
        }
        if (node.isObject()) {
            ObjectNode out = null;
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                JsonNode mapped = map(e.getValue(), f);
                if (mapped != e.getValue() && out == null) {
                    out = (ObjectNode) node.deepCopy();
                }
                if (out != null) {
                    out.set(e.getKey(), mapped);
                }
            }
            return out == null ? node : out;
        }
        return node;
    }
}

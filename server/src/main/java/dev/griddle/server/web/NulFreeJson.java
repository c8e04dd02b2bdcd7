package dev.griddle.server.web;

import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.jackson.JsonNodeDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.NullNode;

/**
 * PostgreSQL stores no NUL character (U+0000) in {@code text} or {@code jsonb}: a JSON string
 * holding one ({@code "a\u0000b"}) is refused while the body is read, as a 422 naming the field,
 * instead of failing at the database as a 500.
 */
final class NulFreeJson {

    static final String PROBLEM = "must not contain the NUL character (U+0000)";

    private NulFreeJson() {
    }

    static SimpleModule module() {
        return new SimpleModule("nul-free-json").addDeserializer(String.class, new Strings()).addDeserializer(JsonNode.class, new Trees());
    }

    private static final class Strings extends StringDeserializer {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
            String value = super.deserialize(p, ctxt);
            if (value != null && value.indexOf('\0') >= 0) {
                throw DatabindException.from(p, PROBLEM);
            }
            return value;
        }
    }

    /** Any JSON value a field takes as a tree (run input, step {@code with}...): every string and key in it. */
    private static final class Trees extends ValueDeserializer<JsonNode> {
        @Override
        public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
            JsonNode tree = (JsonNode) JsonNodeDeserializer.getDeserializer(JsonNode.class).deserialize(p, ctxt);
            if (holdsNul(tree)) {
                throw DatabindException.from(p, PROBLEM);
            }
            return tree;
        }

        @Override
        public JsonNode getNullValue(DeserializationContext ctxt) {
            return NullNode.getInstance();
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }

        private static boolean holdsNul(JsonNode node) {
            if (node.isString()) {
                return node.asString().indexOf('\0') >= 0;
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().indexOf('\0') >= 0 || holdsNul(e.getValue())) {
                    return true;
                }
            }
            if (node.isArray()) {
                for (JsonNode item : node) {
                    if (holdsNul(item)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}

package dev.griddle.server.expr;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Converts between Jackson trees and the Java values CEL's runtime works on. */
final class CelValues {

    /** CEL's {@code null} as its runtime represents it. */
    static final Object NULL = com.google.protobuf.NullValue.NULL_VALUE;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CelValues() {
    }

    static Object toCel(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NULL;
        }
        if (node.isObject()) {
            return new LazyObject((ObjectNode) node);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(item -> list.add(toCel(item)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isBinary()) {
            return ByteString.copyFrom(node.binaryValue());
        }
        return node.asString();
    }

    static JsonNode toJson(Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case com.google.protobuf.NullValue n -> NODES.nullNode();
            case dev.cel.common.values.NullValue n -> NODES.nullNode();
            case JsonNode n -> n;
            case LazyObject lazy -> lazy.node;
            case String s -> NODES.stringNode(s);
            case Boolean b -> NODES.booleanNode(b);
            // ints where they fit, so results compare equal to the same number parsed from JSON text
            case Long l -> l == l.intValue() ? NODES.numberNode(l.intValue()) : NODES.numberNode(l);
            case Integer i -> NODES.numberNode(i);
            case com.google.common.primitives.UnsignedLong u -> NODES.numberNode(new BigInteger(u.toString()));
            case Double d -> NODES.numberNode(d);
            case Float f -> NODES.numberNode(f.doubleValue());
            case ByteString bytes -> NODES.stringNode(Base64.getEncoder().encodeToString(bytes.toByteArray()));
            case Map<?, ?> map -> {
                ObjectNode out = NODES.objectNode();
                map.forEach((k, v) -> out.set(String.valueOf(k), toJson(v)));
                yield out;
            }
            case Iterable<?> list -> {
                ArrayNode out = NODES.arrayNode();
                list.forEach(v -> out.add(toJson(v)));
                yield out;
            }
            default -> NODES.stringNode(value.toString());
        };
    }

    /**
     * A JSON object seen by CEL as a map, converted member by member when an expression reaches it.
     * A run's context holds every step's output; converting all of it for each {@code {{ }}} would
     * make rendering cost grow with the size of the run.
     */
    static final class LazyObject extends java.util.AbstractMap<String, Object> {
        final ObjectNode node;
        private final Map<String, Object> converted = new java.util.HashMap<>();
        private java.util.Set<Map.Entry<String, Object>> entries;

        LazyObject(ObjectNode node) {
            this.node = node;
        }

        @Override
        public Object get(Object key) {
            if (!(key instanceof String name) || !node.has(name)) {
                return null;
            }
            return converted.computeIfAbsent(name, k -> toCel(node.get(k)));
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String name && node.has(name);
        }

        @Override
        public int size() {
            return node.size();
        }

        @Override
        public java.util.Set<Map.Entry<String, Object>> entrySet() {
            if (entries == null) {
                Map<String, Object> all = new LinkedHashMap<>();
                node.propertyNames().forEach(name -> all.put(name, get(name)));
                entries = java.util.Collections.unmodifiableMap(all).entrySet();
            }
            return entries;
        }
    }
}

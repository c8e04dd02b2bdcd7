package dev.griddle.server.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The diff is an RFC 6902 patch: applied (by the small applier below) to the old value it gives the new one. */
class JsonPatchDiffTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void equalValuesGiveAnEmptyPatch() {
        assertThat(JsonPatchDiff.diff(JSON.readTree("{\"a\": [1, {\"b\": 2}]}"), JSON.readTree("{\"a\": [1, {\"b\": 2}]}"))).isEmpty();
    }

    @Test
    void aChangedFieldIsOneReplace() {
        assertThat(JsonPatchDiff.diff(JSON.readTree("{\"summary\": \"old\", \"n\": 1}"), JSON.readTree("{\"summary\": \"new\", \"n\": 1}")))
                .isEqualTo(JSON.readTree("[{\"op\": \"replace\", \"path\": \"/summary\", \"value\": \"new\"}]"));
    }

    @Test
    void keysAreEscapedAsPointers() {
        assertThat(JsonPatchDiff.diff(JSON.readTree("{}"), JSON.readTree("{\"a/b~c\": 1}")))
                .isEqualTo(JSON.readTree("[{\"op\": \"add\", \"path\": \"/a~1b~0c\", \"value\": 1}]"));
    }

    @Test
    void everyPatchTurnsTheOldValueIntoTheNewOne() {
        List<String[]> pairs = List.of(
                new String[] {"{\"a\": 1, \"b\": [1, 2, 3], \"c\": {\"d\": true}}", "{\"b\": [1, 5], \"c\": {\"d\": false, \"e\": null}, \"f\": \"x\"}"},
                new String[] {"[1, 2]", "[1, 2, 3, [4]]"},
                new String[] {"[{\"x\": 1}, 2, 3, 4]", "[{\"x\": 2}]"},
                new String[] {"\"text\"", "{\"now\": \"an object\"}"},
                new String[] {"null", "[1]"},
                new String[] {"{\"a\": {\"b\": {\"c\": [1, {\"d\": 2}]}}}", "{\"a\": {\"b\": {\"c\": [1, {\"d\": 3, \"e\": 4}, 5]}}}"});
        for (String[] pair : pairs) {
            JsonNode from = JSON.readTree(pair[0]);
            JsonNode to = JSON.readTree(pair[1]);
            assertThat(apply(from, JsonPatchDiff.diff(from, to))).as(pair[0] + " -> " + pair[1]).isEqualTo(to);
        }
    }

    @Test
    void aMissingBaselineIsNull() {
        assertThat(JsonPatchDiff.diff(null, JSON.readTree("{\"a\": 1}")))
                .isEqualTo(JSON.readTree("[{\"op\": \"replace\", \"path\": \"\", \"value\": {\"a\": 1}}]"));
    }

    /** RFC 6902 add, remove and replace, the operations the diff makes. */
    static JsonNode apply(JsonNode document, ArrayNode patch) {
        JsonNode doc = document.deepCopy();
        for (JsonNode op : patch) {
            String path = op.path("path").asString();
            if (path.isEmpty()) {
                doc = op.get("value");
                continue;
            }
            String[] tokens = path.substring(1).split("/", -1);
            JsonNode parent = doc;
            for (int i = 0; i < tokens.length - 1; i++) {
                String t = unescape(tokens[i]);
                parent = parent.isArray() ? parent.get(Integer.parseInt(t)) : parent.get(t);
            }
            String last = unescape(tokens[tokens.length - 1]);
            switch (op.path("op").asString()) {
                case "add" -> {
                    if (parent instanceof ArrayNode array) {
                        if (last.equals("-")) {
                            array.add(op.get("value"));
                        } else {
                            array.insert(Integer.parseInt(last), op.get("value"));
                        }
                    } else {
                        ((ObjectNode) parent).set(last, op.get("value"));
                    }
                }
                case "remove" -> {
                    if (parent instanceof ArrayNode array) {
                        array.remove(Integer.parseInt(last));
                    } else {
                        ((ObjectNode) parent).remove(last);
                    }
                }
                case "replace" -> {
                    if (parent instanceof ArrayNode array) {
                        array.set(Integer.parseInt(last), op.get("value"));
                    } else {
                        ((ObjectNode) parent).set(last, op.get("value"));
                    }
                }
                default -> throw new AssertionError("unexpected op " + op);
            }
        }
        return doc;
    }

    private static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }
}

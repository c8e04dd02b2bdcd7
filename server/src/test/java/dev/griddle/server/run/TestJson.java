package dev.griddle.server.run;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON literals in tests. */
public final class TestJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestJson() {
    }

    public static JsonNode parse(String text) {
        return JSON.readTree(text);
    }
}

package dev.griddle.server.trigger;

import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * One request to {@code /hooks/{id}} as the schemes read it: its headers by lower-case name (the
 * first value of each), the raw body, and the body parsed as JSON once {@link HookInput#parsed}
 * read it and it is JSON by content type ({@link MissingNode} otherwise).
 */
record HookRequest(Map<String, String> headers, byte[] body, String contentType, JsonNode json) {

    HookRequest {
        json = json == null ? MissingNode.getInstance() : json;
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}

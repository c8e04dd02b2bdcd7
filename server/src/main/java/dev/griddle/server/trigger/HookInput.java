package dev.griddle.server.trigger;

import dev.griddle.server.web.ApiException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Reads a verified delivery's body: as JSON when its content type says so, then as run input. */
@Component
class HookInput {

    private final JsonMapper json;

    HookInput(JsonMapper json) {
        this.json = json;
    }

    /** The request with its body parsed, when it is JSON by content type and not empty; 400 when that JSON is invalid. */
    HookRequest parsed(HookRequest request) {
        if (!jsonBody(mediaType(request.contentType())) || request.body().length == 0) {
            return request;
        }
        try {
            return new HookRequest(request.headers(), request.body(), request.contentType(), json.readTree(request.body()));
        } catch (JacksonException e) {
            throw ApiException.badRequest("Request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * The run input: a JSON object body merged over the trigger's default input (delivered fields
     * win); any other body as {@code {"body": ..., "content_type": ...}} over the defaults.
     */
    JsonNode input(JsonNode defaults, HookRequest request) {
        ObjectNode input = defaults != null && defaults.isObject() ? ((ObjectNode) defaults).deepCopy() : JsonNodeFactory.instance.objectNode();
        MediaType type = mediaType(request.contentType());
        JsonNode delivered = request.json();
        if (!delivered.isMissingNode()) {
            if (delivered.isObject()) {
                input.setAll((ObjectNode) delivered);
            } else {
                input.set("body", delivered);
                input.put("content_type", type.toString());
            }
            return input;
        }
        input.put("body", new String(request.body(), StandardCharsets.UTF_8));
        input.put("content_type", type == null ? null : type.toString());
        return input;
    }

    private static boolean jsonBody(MediaType type) {
        return type != null && (type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.getSubtype().endsWith("+json"));
    }

    private static MediaType mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        try {
            return MediaType.parseMediaType(contentType);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

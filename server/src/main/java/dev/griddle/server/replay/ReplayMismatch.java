package dev.griddle.server.replay;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A strict replay met a call its recording has no answer for: the step fails, not retried, with the
 * recorded request (the one the same step made at that point, null when it made none of that kind)
 * beside the new one.
 */
public final class ReplayMismatch extends RuntimeException {

    private final ObjectNode details;

    ReplayMismatch(String kind, String stepId, String fingerprint, JsonNode recorded, JsonNode now) {
        super("replay: the recording has no answer for this " + kind + " call of step '" + stepId + "' (fingerprint " + fingerprint
                + "); mode strict");
        details = JsonNodeFactory.instance.objectNode().put("kind", kind).put("fingerprint", fingerprint);
        details.set("recorded_request", recorded == null ? JsonNodeFactory.instance.nullNode() : recorded);
        details.set("request", now);
    }

    public ObjectNode details() {
        return details;
    }
}

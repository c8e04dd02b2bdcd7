package dev.griddle.server.trace;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The attributes of a {@code retrieval} span, from what a {@code retrieve} step's {@code retrieval}
 * event or a {@code knowledge_search} call's {@code retrieval} recorded: {@code query},
 * {@code hit_count}, {@code hits} (the best few: {@code document_id, title, position, score}).
 * Shared by run and turn traces.
 */
final class RetrievalSpans {

    static final String KIND = "retrieval";

    private RetrievalSpans() {
    }

    static void attributes(Map<String, Object> attributes, JsonNode retrieval) {
        attributes.put("query", retrieval.path("query").asString(""));
        attributes.put("hit_count", retrieval.path("hit_count").asInt(0));
        attributes.put("hits", retrieval.path("hits").isArray() ? retrieval.get("hits") : tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode());
    }
}

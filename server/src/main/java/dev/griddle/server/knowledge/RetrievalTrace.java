package dev.griddle.server.knowledge;

import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a trace records of one search, for its {@code retrieval} span: the query (its first
 * {@value #MAX_QUERY} characters), how many passages were found, and the best {@value #MAX_HITS}
 * as citations with their scores, never their text (a trace is not a copy of the documents).
 * Shared by the {@code retrieve} step and the {@code knowledge_search} tool.
 */
final class RetrievalTrace {

    static final int MAX_HITS = 5;
    static final int MAX_QUERY = 500;

    /** One passage found: its citation and score. */
    record Entry(String documentId, String title, int position, double score) {
    }

    private RetrievalTrace() {
    }

    static ObjectNode of(String query, List<Entry> hits) {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("query", query.length() > MAX_QUERY ? query.substring(0, MAX_QUERY) : query)
                .put("hit_count", hits.size());
        ArrayNode top = out.putArray("hits");
        hits.stream().limit(MAX_HITS).forEach(h -> top.addObject().put("document_id", h.documentId()).put("title", h.title())
                .put("position", h.position()).put("score", h.score()));
        return out;
    }

    static List<Entry> entries(List<KnowledgeRanking.Hit> hits) {
        return hits.stream().map(h -> new Entry(h.documentId().toString(), h.title(), h.position(), h.score())).toList();
    }
}

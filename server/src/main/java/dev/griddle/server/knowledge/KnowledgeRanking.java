package dev.griddle.server.knowledge;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Ranks chunks for a query within some scopes of one organization: the one seam search goes
 * through, so that full-text ranking ({@link FullTextRanking}) and vector similarity can be fused
 * (reciprocal rank fusion) behind it. Callers have checked that the scopes are visible.
 */
public interface KnowledgeRanking {

    /**
     * What to rank: {@code documentIds} (null: every document) and {@code metadata} (a JSON object
     * the document's metadata must contain, null: any) narrow it.
     */
    record Request(UUID orgId, String query, List<Scope> scopes, int topK, Set<UUID> documentIds, String metadata) {
    }

    /** A ranked chunk: higher {@code score} is better; {@code position} is the chunk's place in its document. */
    record Hit(UUID chunkId, UUID documentId, String title, String text, double score, int position, List<String> headingPath) {
    }

    List<Hit> rank(Request request);
}

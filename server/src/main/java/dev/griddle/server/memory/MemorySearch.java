package dev.griddle.server.memory;

import dev.griddle.server.knowledge.VectorSearch;
import dev.griddle.server.knowledge.vector.ReciprocalRankFusion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Searches one user's memory of one agent the way knowledge search ranks chunks: the strict
 * full-text list and the vector list (this node's index, only that user's partition) fused by
 * reciprocal rank, the score the fused one; the entries are then read from PostgreSQL for that
 * agent and user again, so an entry deleted a moment ago is never returned. Without vectors (off,
 * index not built, embedder failing) it is full text alone, any word matching, scored by rank.
 */
@Component
class MemorySearch {

    /** A found entry with its score (higher is better). */
    record Hit(MemoryEntry entry, double score) {
    }

    private final MemoryStore store;
    private final VectorSearch vectors;

    MemorySearch(MemoryStore store, VectorSearch vectors) {
        this.store = store;
        this.vectors = vectors;
    }

    List<Hit> search(UUID orgId, UUID agentId, String user, String query, int topK) {
        int candidates = vectors.candidates(topK);
        Optional<List<UUID>> nearest = vectors.nearest(MemoryStore.scope(orgId, agentId, user), query, candidates);
        List<Hit> out = new ArrayList<>(topK);
        if (nearest.isEmpty()) {
            List<MemoryStore.Ranked> ranked = store.fullText(agentId, user, query, false, topK);
            Map<UUID, MemoryEntry> entries = store.entries(agentId, user, ranked.stream().map(MemoryStore.Ranked::id).toList());
            ranked.forEach(r -> add(out, entries.get(r.id()), r.score(), topK));
            return out;
        }
        List<UUID> text = store.fullText(agentId, user, query, true, candidates).stream().map(MemoryStore.Ranked::id).toList();
        List<ReciprocalRankFusion.Fused<UUID>> fused = ReciprocalRankFusion.fuse(text, nearest.get(), text.size() + nearest.get().size());
        Map<UUID, MemoryEntry> entries = store.entries(agentId, user, fused.stream().map(ReciprocalRankFusion.Fused::item).toList());
        fused.forEach(f -> add(out, entries.get(f.item()), f.score(), topK));
        return out;
    }

    private static void add(List<Hit> out, MemoryEntry entry, double score, int topK) {
        if (entry != null && out.size() < topK) {
            out.add(new Hit(entry, score));
        }
    }
}

package dev.griddle.server.knowledge;

import dev.griddle.server.knowledge.vector.Embedder;
import dev.griddle.server.knowledge.vector.EmbeddingException;
import dev.griddle.server.knowledge.vector.ScopeFilter;
import dev.griddle.server.knowledge.vector.ScopeKey;
import dev.griddle.server.knowledge.vector.VectorHit;
import dev.griddle.server.knowledge.vector.VectorIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The vector side of search for rows that live outside the knowledge tables but are embedded and
 * indexed with the chunks (an agent's memory entries, scope {@code memory}): announcing that a
 * row changed, so every node's index reads it again and the embedding loop gives it a vector, and
 * the nearest rows of one scope, with the same candidates and similarity floor as
 * {@link HybridRanking}. Empty when hybrid search would fall back to full text alone (vectors
 * off, the index not built yet, the embedder failing).
 */
@Component
public class VectorSearch {

    private static final Logger log = LoggerFactory.getLogger(VectorSearch.class);

    private final Embedder embedder;
    private final VectorIndex index;
    private final VectorIndexSync sync;
    private final ChunkNotices notices;
    private final VectorSearchProperties props;

    VectorSearch(Embedder embedder, VectorIndex index, VectorIndexSync sync, ChunkNotices notices, VectorSearchProperties props) {
        this.embedder = embedder;
        this.index = index;
        this.sync = sync;
        this.notices = notices;
        this.props = props;
    }

    /** After the current transaction commits, every node re-reads the row {@code id} (written, or deleted). */
    public void changed(UUID id) {
        notices.changed(id);
    }

    /** How many hits each side (full text, vectors) gives fusion for a search of {@code topK}. */
    public int candidates(int topK) {
        return Math.min(VectorIndex.MAX_K, Math.max(props.candidates(), topK));
    }

    /** The ids nearest {@code query} within {@code scope}, best first, at most {@code k}; empty when vectors cannot be used now. */
    public Optional<List<UUID>> nearest(ScopeKey scope, String query, int k) {
        if (!props.enabled() || !sync.built() || index.size() == 0) {
            return Optional.empty();
        }
        float[] vector;
        try {
            vector = embedder.embed(query);
        } catch (EmbeddingException e) {
            log.warn("memory search falls back to full-text alone: the embedder failed ({})", e.getMessage());
            return Optional.empty();
        }
        List<UUID> ids = new ArrayList<>();
        for (VectorHit hit : index.search(vector, ScopeFilter.of(scope.orgId(), Set.of(scope)), k)) {
            if (hit.score() >= props.minSimilarity()) {
                ids.add(hit.chunkId());
            }
        }
        return Optional.of(ids);
    }
}

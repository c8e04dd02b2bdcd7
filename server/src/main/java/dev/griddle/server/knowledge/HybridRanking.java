package dev.griddle.server.knowledge;

import dev.griddle.server.knowledge.vector.Embedder;
import dev.griddle.server.knowledge.vector.EmbeddingException;
import dev.griddle.server.knowledge.vector.ReciprocalRankFusion;
import dev.griddle.server.knowledge.vector.ScopeFilter;
import dev.griddle.server.knowledge.vector.ScopeKey;
import dev.griddle.server.knowledge.vector.VectorHit;
import dev.griddle.server.knowledge.vector.VectorIndex;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Primary;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.stereotype.Component;

/**
 * Hybrid search, the ranking the API uses: a strict full-text list (a chunk must share at least
 * half of the question's words: with any one word enough, chunks sharing "get" or "work" crowd
 * the list and fusion falls below vectors alone, see docs/knowledge.md) and the vector list (the
 * query embedded, this node's {@link VectorIndex} scanned within the request's scopes and
 * documents, hits under {@code min-similarity} dropped), fused by reciprocal rank; the score is
 * the fused score. The full-text query runs on a virtual thread while the query is embedded and the
 * index scanned. The chunks are then read from PostgreSQL with every filter applied again, so a
 * chunk deleted a moment ago is never returned, whatever the index still holds.
 *
 * <p>Until the index is built (start-up), when vectors are off, or when the embedder fails, the
 * ranking is {@link FullTextRanking} alone (any word may match: without vectors, recall matters more).
 */
@Component
@Primary
class HybridRanking implements KnowledgeRanking {

    private static final Logger log = LoggerFactory.getLogger(HybridRanking.class);

    private final FullTextRanking fullText;
    private final RankingSql sql;
    private final Embedder embedder;
    private final VectorIndex index;
    private final VectorIndexSync sync;
    private final VectorSearchProperties props;
    /** One virtual thread per search for its full-text query (the connection pool bounds how many run at once). */
    private final ExecutorService alongside = Executors.newVirtualThreadPerTaskExecutor();

    HybridRanking(FullTextRanking fullText, RankingSql sql, Embedder embedder, VectorIndex index, VectorIndexSync sync,
            VectorSearchProperties props) {
        this.fullText = fullText;
        this.sql = sql;
        this.embedder = embedder;
        this.index = index;
        this.sync = sync;
        this.props = props;
    }

    @Override
    public List<Hit> rank(Request r) {
        if (r.scopes().isEmpty()) {
            return List.of();
        }
        if (!props.enabled() || !sync.built() || index.size() == 0) {
            return fullText.rank(r);
        }
        int candidates = Math.min(VectorIndex.MAX_K, Math.max(props.candidates(), r.topK()));
        // the full-text list is PostgreSQL's work, the vector list this JVM's: one waits for the other only at the end
        CompletableFuture<List<UUID>> text = CompletableFuture.supplyAsync(() -> sql.strictFullText(r, candidates), alongside);
        List<UUID> vector;
        try {
            vector = vectorList(r, embedder.embed(r.query()), candidates);
        } catch (EmbeddingException e) {
            text.cancel(true);
            log.warn("knowledge search falls back to full-text alone: the embedder failed ({})", e.getMessage());
            return fullText.rank(r);
        }
        List<UUID> textList = fullTextList(text);
        List<ReciprocalRankFusion.Fused<UUID>> fused = ReciprocalRankFusion.fuse(textList, vector, textList.size() + vector.size());
        Map<UUID, Hit> chunks = sql.chunks(r, fused.stream().map(ReciprocalRankFusion.Fused::item).toList());
        List<Hit> out = new ArrayList<>(r.topK());
        for (ReciprocalRankFusion.Fused<UUID> f : fused) {
            Hit h = chunks.get(f.item());
            if (h != null && out.size() < r.topK()) {
                out.add(new Hit(h.chunkId(), h.documentId(), h.title(), h.text(), f.score(), h.position(), h.headingPath()));
            }
        }
        return out;
    }

    private static List<UUID> fullTextList(CompletableFuture<List<UUID>> text) {
        try {
            return text.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    @PreDestroy
    void stop() {
        alongside.shutdownNow();
    }

    private List<UUID> vectorList(Request r, float[] query, int candidates) {
        Set<ScopeKey> scopes = r.scopes().stream().map(s -> ScopeKey.of(r.orgId(), s.type().wireName(), s.id())).collect(Collectors.toSet());
        ScopeFilter filter = ScopeFilter.of(r.orgId(), scopes);
        if (r.metadata() != null) {
            filter = filter.onlyDocuments(sql.documentsMatchingMetadata(r));
        } else if (r.documentIds() != null) {
            filter = filter.onlyDocuments(new HashSet<>(r.documentIds()));
        }
        List<UUID> ids = new ArrayList<>();
        for (VectorHit hit : index.search(query, filter, candidates)) {
            if (hit.score() >= props.minSimilarity()) {
                ids.add(hit.chunkId());
            }
        }
        return ids;
    }
}

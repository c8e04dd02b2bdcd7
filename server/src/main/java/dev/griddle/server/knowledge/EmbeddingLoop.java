package dev.griddle.server.knowledge;

import dev.griddle.server.knowledge.vector.Embedder;
import dev.griddle.server.knowledge.vector.VectorCodec;
import dev.griddle.server.lifecycle.BackgroundLoop;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Gives chunks their vectors, in the background: a chunk without one, or with one of another
 * model or dimension (the embedder setting changed), is read, embedded and written back with the
 * embedder's {@code modelId}, {@code embed-batch} chunks per transaction, and every document
 * touched is announced ({@link ChunkNotices}) so each node's index takes its new vectors. A
 * document is {@code ready} (found by full-text) as soon as it is chunked; its vectors follow.
 *
 * <p>The batch is locked {@code for update skip locked} while it is embedded, so two nodes never
 * embed the same chunk; a node that dies mid-batch loses only its transaction. This loop is one
 * thread; the embedder bounds its own (the local model runs one inference at a time on
 * {@code griddle.knowledge.local.threads}). It looks again at once after a full batch, when a
 * document's chunks change on any node ({@link #wake}), and every ten seconds otherwise.
 */
@Component
class EmbeddingLoop extends BackgroundLoop {

    private static final Duration IDLE = Duration.ofSeconds(10);

    private final ChunkVectors vectors;
    private final Embedder embedder;
    private final ChunkNotices notices;
    private final VectorSearchProperties props;
    private final TransactionTemplate tx;
    private final Semaphore signal = new Semaphore(0);

    EmbeddingLoop(ChunkVectors vectors, Embedder embedder, ChunkNotices notices, VectorSearchProperties props,
            PlatformTransactionManager transactions) {
        super("knowledge-embed");
        this.vectors = vectors;
        this.embedder = embedder;
        this.notices = notices;
        this.props = props;
        this.tx = new TransactionTemplate(transactions);
    }

    /** Chunks may be waiting: look now rather than at the next poll. */
    void wake() {
        signal.release();
    }

    @Override
    protected boolean enabled() {
        return props.enabled();
    }

    @Override
    protected Duration errorBackoff() {
        return Duration.ofSeconds(2);
    }

    @Override
    protected Duration pass() throws InterruptedException {
        signal.drainPermits();
        Integer done = tx.execute(s -> embedBatch());
        if (done != null && done >= props.embedBatch()) {
            return Duration.ZERO;
        }
        signal.tryAcquire(IDLE.toMillis(), TimeUnit.MILLISECONDS);
        return Duration.ZERO;
    }

    /** One batch in the caller's transaction; how many chunks it embedded. */
    private int embedBatch() {
        String model = embedder.modelId();
        List<ChunkVectors.Pending> batch = vectors.lockPending(model, props.embedBatch());
        if (batch.isEmpty()) {
            return 0;
        }
        float[][] embedded = embedder.embed(batch.stream().map(ChunkVectors.Pending::embeddedText).toList());
        Set<UUID> documents = new LinkedHashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            vectors.store(batch.get(i), VectorCodec.encode(embedded[i]), model);
            documents.add(batch.get(i).documentId());
        }
        documents.forEach(notices::changed);
        return batch.size();
    }
}

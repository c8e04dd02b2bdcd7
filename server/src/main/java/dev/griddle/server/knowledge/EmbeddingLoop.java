package dev.griddle.server.knowledge;

import dev.griddle.server.knowledge.vector.Embedder;
import dev.griddle.server.knowledge.vector.EmbeddingException;
import dev.griddle.server.knowledge.vector.VectorCodec;
import dev.griddle.server.lifecycle.BackgroundLoop;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * document's chunks change on any node ({@link #wake}), and every ten seconds otherwise. A chunk
 * the embedder refuses is set aside (searched by full text only) rather than retried forever.
 */
@Component
class EmbeddingLoop extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingLoop.class);
    private static final Duration IDLE = Duration.ofSeconds(10);
    /** Chunks tried alone that fail, none succeeding, before the batch's failure is taken as one that may pass. */
    private static final int GIVE_UP_AFTER = 3;

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

    /** One batch in the caller's transaction; how many chunks it took (embedded or refused). */
    private int embedBatch() {
        String model = embedder.modelId();
        List<ChunkVectors.Pending> batch = vectors.lockPending(model, props.embedBatch());
        if (batch.isEmpty()) {
            return 0;
        }
        float[][] embedded;
        try {
            embedded = embedder.embed(batch.stream().map(ChunkVectors.Pending::embeddedText).toList());
        } catch (EmbeddingException e) {
            return oneByOne(batch, model, e);
        }
        Set<UUID> documents = new LinkedHashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            vectors.store(batch.get(i), VectorCodec.encode(embedded[i]), model);
            documents.add(batch.get(i).documentId());
        }
        documents.forEach(notices::changed);
        return batch.size();
    }

    /**
     * The batch failed: each chunk alone, so that one text the model refuses does not hold back the
     * rest (nor every later batch). A chunk is marked refused ({@link ChunkVectors#reject}) when
     * the embedder said its input was rejected, or when it failed while others of the batch
     * succeeded; when the chunks fail for a reason that may pass (an endpoint down: the first
     * {@value #GIVE_UP_AFTER} fail and none succeeds), the failure is rethrown and the loop backs off,
     * marking nothing.
     */
    private int oneByOne(List<ChunkVectors.Pending> batch, String model, EmbeddingException batchFailure) {
        Map<ChunkVectors.Pending, EmbeddingException> failed = new LinkedHashMap<>();
        Set<UUID> documents = new LinkedHashSet<>();
        for (ChunkVectors.Pending chunk : batch) {
            try {
                vectors.store(chunk, VectorCodec.encode(embedder.embed(chunk.embeddedText())), model);
                documents.add(chunk.documentId());
            } catch (EmbeddingException e) {
                failed.put(chunk, e);
                if (documents.isEmpty() && !e.rejectedInput() && failed.size() >= GIVE_UP_AFTER) {
                    throw batchFailure; // nothing works: an endpoint down, not a text it refuses
                }
            }
        }
        boolean someSucceeded = failed.size() < batch.size();
        if (!someSucceeded && failed.values().stream().noneMatch(EmbeddingException::rejectedInput)) {
            throw batchFailure;
        }
        failed.forEach((chunk, e) -> {
            if (someSucceeded || e.rejectedInput()) {
                log.warn("knowledge chunk {} of document {} was refused by the embedder {} and is searched by full text only: {}", chunk.id(),
                        chunk.documentId(), model, e.getMessage());
                vectors.reject(chunk, model, e.getMessage());
            }
        });
        documents.forEach(notices::changed);
        return batch.size();
    }
}

package dev.griddle.server.knowledge;

import dev.griddle.server.lifecycle.BackgroundLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Claims documents waiting in {@code processing} (new, reindexed, or leased by a node that died:
 * their lease ran out) and ingests them on {@code ingest-threads} platform threads, no more: parsing
 * is CPU work that shares the cores with the engine. Claims only for free threads; looks again at
 * once when a document arrives on this node ({@link #wake}), every second otherwise.
 */
@Component
class IngestLoop extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(IngestLoop.class);
    private static final Duration IDLE = Duration.ofSeconds(1);

    private final DocumentStore documents;
    private final Ingestor ingestor;
    private final KnowledgeProperties props;
    private final Clock clock;
    private final UUID node = UUID.randomUUID();
    private final Semaphore signal = new Semaphore(0);
    private final AtomicInteger busy = new AtomicInteger();
    private volatile ExecutorService threads;

    IngestLoop(DocumentStore documents, Ingestor ingestor, KnowledgeProperties props, Clock clock) {
        super("knowledge-ingest");
        this.documents = documents;
        this.ingestor = ingestor;
        this.props = props;
        this.clock = clock;
    }

    /** A document is waiting: look now rather than at the next second. */
    void wake() {
        signal.release();
    }

    @Override
    protected boolean enabled() {
        return props.ingestEnabled();
    }

    @Override
    protected Duration errorBackoff() {
        return Duration.ofSeconds(1);
    }

    @Override
    public void start() {
        threads = Executors.newFixedThreadPool(props.ingestThreads(), Thread.ofPlatform().name("knowledge-ingest-", 0).daemon().factory());
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        ExecutorService t = threads;
        if (t != null) {
            t.shutdownNow();
        }
    }

    @Override
    protected Duration pass() throws InterruptedException {
        int free = props.ingestThreads() - busy.get();
        List<UUID> claimed = free <= 0 ? List.of() : documents.claim(node, clock.instant(), props.ingestLease(), free);
        for (UUID id : claimed) {
            busy.incrementAndGet();
            threads.execute(() -> {
                try {
                    ingestor.ingest(id, node);
                } catch (RuntimeException | Error e) {
                    log.error("knowledge ingest of {} failed; it is retried when its lease runs out", id, e);
                } finally {
                    busy.decrementAndGet();
                    signal.release();
                }
            });
        }
        if (claimed.isEmpty()) {
            signal.tryAcquire(IDLE.toMillis(), TimeUnit.MILLISECONDS);
            signal.drainPermits();
        }
        return Duration.ZERO;
    }
}

package dev.griddle.server.knowledge;

import dev.griddle.server.knowledge.vector.Embedder;
import dev.griddle.server.knowledge.vector.VectorChange;
import dev.griddle.server.knowledge.vector.VectorIndex;
import dev.griddle.server.lifecycle.BackgroundLoop;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps this node's {@link VectorIndex} as the chunk table is. One pass holds a connection of its
 * own: it {@code LISTEN}s on {@link ChunkNotices#CHANNEL} first, then rebuilds the index from the
 * table (vectors of the current model only, streamed), then, for every notice, reads the named
 * document's current vectors and applies them as one {@code ReplaceDocument} (no rows: the
 * document is gone). Listening before reading means no change falls between the two. A lost
 * connection ends the pass; the loop's back-off (doubling from a second up to a minute) opens a
 * new one and rebuilds again, since notices sent meanwhile are lost. Each notice also wakes the
 * {@link EmbeddingLoop}: a document's new chunks are waiting for their vectors.
 */
@Component
class VectorIndexSync extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(VectorIndexSync.class);
    private static final int WAIT_MILLIS = 1000;

    private final DataSource dataSource;
    private final ChunkVectors vectors;
    private final VectorIndex index;
    private final Embedder embedder;
    private final EmbeddingLoop embedding;
    private final VectorSearchProperties props;
    private volatile boolean built;

    VectorIndexSync(DataSource dataSource, ChunkVectors vectors, VectorIndex index, Embedder embedder, EmbeddingLoop embedding,
            VectorSearchProperties props) {
        super("knowledge-index-sync");
        this.dataSource = dataSource;
        this.vectors = vectors;
        this.index = index;
        this.embedder = embedder;
        this.embedding = embedding;
        this.props = props;
    }

    /** Whether the index has been built from the table at least once (until then, search is full-text alone). */
    boolean built() {
        return built;
    }

    @Override
    protected boolean enabled() {
        return props.enabled();
    }

    @Override
    protected Duration errorBackoff() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected Duration pass() throws InterruptedException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute("LISTEN " + ChunkNotices.CHANNEL);
            rebuild();
            embedding.wake();
            PGConnection pg = connection.unwrap(PGConnection.class);
            while (running()) {
                PGNotification[] notices = pg.getNotifications(WAIT_MILLIS);
                if (notices == null) {
                    continue;
                }
                for (PGNotification notice : notices) {
                    for (String payload : notice.getParameter().split(",")) {
                        refresh(payload);
                    }
                }
                embedding.wake();
            }
        } catch (SQLException e) {
            if (!running()) {
                return Duration.ZERO;
            }
            throw new IllegalStateException("the knowledge index lost its LISTEN connection (" + e.getMessage() + "); it rebuilds on reconnecting", e);
        }
        return Duration.ZERO;
    }

    private void rebuild() {
        long started = System.nanoTime();
        String model = embedder.modelId();
        VectorIndex.LoadResult[] result = new VectorIndex.LoadResult[1];
        vectors.streamAll(model, rows -> result[0] = index.rebuild(rows::iterator));
        built = true;
        log.info("knowledge index rebuilt: {} vectors of {} ({} skipped) in {} ms, about {} MB", result[0].loaded(), model, result[0].skipped(),
                (System.nanoTime() - started) / 1_000_000, index.bytes() / (1024 * 1024));
    }

    private void refresh(String payload) {
        UUID documentId;
        try {
            documentId = UUID.fromString(payload.trim());
        } catch (IllegalArgumentException e) {
            log.warn("ignoring a {} notice that is not a document id: '{}'", ChunkNotices.CHANNEL, payload);
            return;
        }
        index.apply(new VectorChange.ReplaceDocument(documentId, vectors.rowsOf(documentId, embedder.modelId())));
    }
}

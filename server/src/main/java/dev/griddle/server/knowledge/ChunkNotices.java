package dev.griddle.server.knowledge;

import dev.griddle.server.store.PgNotifications;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * {@code NOTIFY knowledge_chunks, '<document id>'} after the current transaction commits: a
 * document's chunks or their vectors changed (written, embedded, replaced or deleted). Every node
 * listens ({@link VectorIndexSync}) and reads that document's rows again, so the payload carries
 * no state and a notice applied twice, or late, still leaves the index as the database is.
 */
@Component
class ChunkNotices {

    static final String CHANNEL = "knowledge_chunks";

    private final PgNotifications notifications;

    ChunkNotices(PgNotifications notifications) {
        this.notifications = notifications;
    }

    void changed(UUID documentId) {
        notifications.publishAfterCommit(CHANNEL, documentId.toString());
    }
}

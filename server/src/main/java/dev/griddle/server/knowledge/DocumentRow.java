package dev.griddle.server.knowledge;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code knowledge_documents}, with its scope as it is now (owner project read by join); {@code metadata} is JSON text. */
record DocumentRow(UUID id, UUID orgId, Scope scope, String title, int version, String status, String error, String source,
        String sourceUrl, String fileName, String contentType, String contentHash, long bytes, long fileOid, String metadata, int chunks,
        Instant createdAt, Instant updatedAt) {

    static final String PROCESSING = "processing";
    static final String READY = "ready";
    static final String FAILED = "failed";
}

package dev.griddle.server.knowledge;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A document as the API shows it (never its bytes). */
public record DocumentView(UUID id, String title, int version, String scopeType, UUID scopeId, String status, String error, int chunks, long bytes,
        String source, String sourceUrl, String fileName, String contentType, String contentHash, JsonNode metadata, Instant createdAt,
        Instant updatedAt) {

    static DocumentView of(DocumentRow d, JsonMapper json) {
        return new DocumentView(d.id(), d.title(), d.version(), d.scope().type().wireName(), d.scope().id(), d.status(), d.error(), d.chunks(),
                d.bytes(), d.source(), d.sourceUrl(), d.fileName(), d.contentType(), d.contentHash(), json.readTree(d.metadata()), d.createdAt(),
                d.updatedAt());
    }
}

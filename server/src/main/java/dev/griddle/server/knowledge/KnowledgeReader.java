package dev.griddle.server.knowledge;

import dev.griddle.server.web.Caller;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * A document's text as other ways in read it (the MCP server's {@code griddle://knowledge/{id}}
 * resources): its chunks in order, for a key that may see the document's scope.
 */
@Component
public class KnowledgeReader {

    /** A document's title, status, and the text of its first {@code chunks} chunks; {@code truncated} when it has more. */
    public record Text(UUID id, String title, String status, List<String> chunks, boolean truncated) {
    }

    private final DocumentStore documents;
    private final ChunkStore chunks;

    KnowledgeReader(DocumentStore documents, ChunkStore chunks) {
        this.documents = documents;
        this.chunks = chunks;
    }

    /** The document with at most {@code maxChunks} chunks; empty when unknown or outside what {@code caller} sees (as a 404). */
    public Optional<Text> read(Caller caller, UUID id, int maxChunks) {
        return documents.find(caller.orgId(), id).filter(d -> ScopeAccess.sees(caller, d.scope())).map(d -> {
            List<String> text = chunks.list(d.id(), maxChunks + 1, 0).stream().map(ChunkStore.StoredChunk::text).toList();
            boolean truncated = text.size() > maxChunks;
            return new Text(d.id(), d.title(), d.status(), truncated ? text.subList(0, maxChunks) : text, truncated);
        });
    }
}

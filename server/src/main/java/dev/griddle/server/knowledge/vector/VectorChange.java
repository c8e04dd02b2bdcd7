package dev.griddle.server.knowledge.vector;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A change to apply to every node's index ({@link VectorIndex#apply}), as one node learns of it
 * from {@code NOTIFY}. {@link ReplaceDocument} is the one a listener should prefer: it carries the
 * rows the database holds for the document now (none once it is deleted), so applying it twice, or
 * after a later change of the same document was already applied from a fresh read, leaves the
 * index as the database is.
 */
public sealed interface VectorChange {

    /** Adds or replaces one chunk's vector. */
    record Put(VectorRow row) implements VectorChange {
        public Put {
            Objects.requireNonNull(row, "row");
        }
    }

    /** Removes one chunk; nothing if it is not there. */
    record RemoveChunk(UUID chunkId) implements VectorChange {
        public RemoveChunk {
            Objects.requireNonNull(chunkId, "chunkId");
        }
    }

    /** Removes every chunk of a document (deleted, or about to be re-chunked). */
    record RemoveDocument(UUID documentId) implements VectorChange {
        public RemoveDocument {
            Objects.requireNonNull(documentId, "documentId");
        }
    }

    /** The document's chunks become exactly {@code rows} (each of that document), in one step: a search sees the old set or the new. */
    record ReplaceDocument(UUID documentId, List<VectorRow> rows) implements VectorChange {
        public ReplaceDocument {
            Objects.requireNonNull(documentId, "documentId");
            rows = List.copyOf(rows);
            for (VectorRow row : rows) {
                if (!row.documentId().equals(documentId)) {
                    throw new IllegalArgumentException("chunk " + row.chunkId() + " is of document " + row.documentId() + ", not " + documentId);
                }
            }
        }
    }
}

package dev.griddle.server.knowledge.vector;

import java.util.Objects;
import java.util.UUID;

/**
 * One chunk's vector with what the index needs to file and filter it: the tuple a rebuild reads
 * from the chunk table ({@code id, document_id, org_id, scope_type, scope_id, embedding}).
 */
public record VectorRow(UUID chunkId, UUID documentId, ScopeKey scope, float[] vector) {

    public VectorRow {
        Objects.requireNonNull(chunkId, "chunkId");
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(vector, "vector");
    }

    /** From the column's bytes ({@link VectorCodec}). */
    public static VectorRow fromStored(UUID chunkId, UUID documentId, ScopeKey scope, byte[] embedding) {
        return new VectorRow(chunkId, documentId, scope, VectorCodec.decode(embedding));
    }
}

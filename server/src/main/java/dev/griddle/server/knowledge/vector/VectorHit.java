package dev.griddle.server.knowledge.vector;

import java.util.UUID;

/** A search result: the chunk, its document and the cosine similarity to the query (-1..1, higher is closer). */
public record VectorHit(UUID chunkId, UUID documentId, float score) {
}

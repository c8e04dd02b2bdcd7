package dev.griddle.server.knowledge.vector;

/**
 * Whether a stored vector was made by the embedder now configured. A chunk whose
 * {@code embedding_model} differs (the setting changed, or a model of another dimension), whose
 * vector is missing, or whose bytes do not hold {@link Embedder#dimension()} floats is stale: the
 * index skips it and the background re-embedding picks it up (select the chunks where
 * {@code embedding_model is distinct from :modelId}).
 */
public final class EmbeddingModelCheck {

    private EmbeddingModelCheck() {
    }

    public static boolean isCurrent(Embedder embedder, String storedModelId, byte[] storedVector) {
        return embedder.modelId().equals(storedModelId) && storedVector != null
                && storedVector.length == embedder.dimension() * Float.BYTES;
    }

    public static boolean needsReembedding(Embedder embedder, String storedModelId, byte[] storedVector) {
        return !isCurrent(embedder, storedModelId, storedVector);
    }
}

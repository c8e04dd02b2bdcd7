package dev.griddle.server.knowledge.vector;

import java.util.List;

/**
 * Turns texts into vectors for similarity search. Implementations return one unit-length vector
 * of {@link #dimension()} floats per text, in the order given, and are safe to call from many
 * threads (they bound their own concurrency). {@link #modelId()} names the model and the
 * dimension together, so a stored vector made by another model is recognised as stale and
 * re-embedded (see {@link EmbeddingModelCheck}).
 */
public interface Embedder {

    /** One vector per text, same order; an empty list gives an empty array. Failures are {@link EmbeddingException}. */
    float[][] embed(List<String> texts);

    /** The length of every vector this embedder returns. */
    int dimension();

    /** {@code provider/model@dimension}, e.g. {@code local/all-minilm-l6-v2@384}: stored beside each vector. */
    String modelId();

    /** The vector of a single text (a search query). */
    default float[] embed(String text) {
        return embed(List.of(text))[0];
    }
}

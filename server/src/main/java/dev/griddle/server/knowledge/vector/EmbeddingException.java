package dev.griddle.server.knowledge.vector;

/** An embedder could not produce vectors: the model failed to load or run, or the remote endpoint refused or answered badly. */
public final class EmbeddingException extends RuntimeException {

    public EmbeddingException(String message) {
        super(message);
    }

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}

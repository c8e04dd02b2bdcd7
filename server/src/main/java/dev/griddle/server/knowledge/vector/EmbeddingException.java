package dev.griddle.server.knowledge.vector;

/**
 * An embedder could not produce vectors: the model failed to load or run, or the remote endpoint
 * refused or answered badly. {@link #rejectedInput()}: the input itself was refused (an endpoint's
 * {@code 400}, {@code 413} or {@code 422}), so trying the same text again cannot succeed; otherwise
 * the failure may pass (an endpoint down, a timeout).
 */
public final class EmbeddingException extends RuntimeException {

    private final boolean rejectedInput;

    public EmbeddingException(String message) {
        this(message, false);
    }

    public EmbeddingException(String message, boolean rejectedInput) {
        super(message);
        this.rejectedInput = rejectedInput;
    }

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
        this.rejectedInput = false;
    }

    public boolean rejectedInput() {
        return rejectedInput;
    }
}

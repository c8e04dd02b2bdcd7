package dev.griddle.server.web;

/**
 * A route whose body is a large upload, parsed by the container straight to disk: the body size
 * filter holds it to {@link #maxBytes()} instead of {@code griddle.http.max-body-size}, and the
 * idempotency filter does not buffer it (an {@code Idempotency-Key} is ignored there; the feature
 * makes the upload idempotent itself). A feature declares one as a bean.
 */
public interface StreamedUpload {

    /** The exact path, as routed (e.g. {@code /api/v1/knowledge/upload}). */
    String path();

    long maxBytes();
}

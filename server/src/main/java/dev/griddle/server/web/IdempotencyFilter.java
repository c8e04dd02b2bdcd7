package dev.griddle.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * {@code Idempotency-Key} on {@code POST}, per API key: the first response (2xx or 4xx but 429) is
 * stored for the TTL and replayed to the same API key with {@code Idempotent-Replayed: true}; the
 * same key with another body is {@code 422 IDEMPOTENCY_KEY_REUSED}; the same key while the first
 * request is still running is {@code 409}. A 5xx or 429 frees the key so the caller can retry.
 * A successful response of a {@link RevealsSecret} handler is not stored, only marked: its replay
 * is {@code 409 IDEMPOTENCY_REPLAY_UNAVAILABLE}. Another API key of the organization using the same
 * {@code Idempotency-Key} has its own request processed. A {@link StreamedUpload} is not buffered
 * here: the key is ignored on it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";

    private final IdempotencyStore store;
    private final ErrorWriter errors;
    private final java.util.Set<String> uploads;

    IdempotencyFilter(IdempotencyStore store, ErrorWriter errors, java.util.List<StreamedUpload> uploads) {
        this.store = store;
        this.errors = errors;
        this.uploads = uploads.stream().map(StreamedUpload::path).collect(java.util.stream.Collectors.toSet());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || request.getHeader(HEADER) == null
                || request.getAttribute(AuthFilter.CALLER) == null || !PathRules.routed(request).startsWith("/api/")
                || streamsItsAnswer(PathRules.routed(request)) || uploads.contains(PathRules.routed(request));
    }

    /** A thread message is answered as a live event stream, which cannot be buffered to be replayed; the key is ignored there. */
    private static boolean streamsItsAnswer(String uri) {
        return uri.startsWith("/api/v1/threads/") && uri.endsWith("/messages");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (key.isBlank() || key.length() > 255) {
            errors.write(request, response, ApiException.fieldErrors(Map.of(HEADER, java.util.List.of("must be 1 to 255 characters"))));
            return;
        }
        Caller caller = (Caller) request.getAttribute(AuthFilter.CALLER);
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (PayloadTooLargeException e) {
            errors.write(request, response, ApiException.tooLarge(e.limitBytes()));
            return;
        }
        String fingerprint = IdempotencyStore.fingerprint(request.getMethod(), PathRules.routed(request), request.getQueryString(), body);
        IdempotencyStore.Owner owner = IdempotencyStore.Owner.of(caller, key);
        IdempotencyStore.Claim claim = store.claim(owner, fingerprint);
        switch (claim) {
            case IdempotencyStore.Claim.Replay replay -> {
                replay.response().writeTo(response);
                return;
            }
            case IdempotencyStore.Claim.Withheld withheld -> {
                Map<String, Object> details = new java.util.LinkedHashMap<>();
                details.put("idempotency_key", key);
                details.put("first_status", withheld.status());
                if (withheld.location() != null) {
                    details.put("location", withheld.location());
                }
                errors.write(request, response, new ApiException(HttpStatus.CONFLICT, "IDEMPOTENCY_REPLAY_UNAVAILABLE",
                        "The request with Idempotency-Key '" + key + "' was already processed (" + withheld.status()
                                + "), but its response showed a secret once and was not kept", details,
                        withheld.location() == null ? "Read the resource with GET; its secret cannot be shown again."
                                : "GET " + withheld.location() + " reads the resource; its secret cannot be shown again."));
                return;
            }
            case IdempotencyStore.Claim.Mismatch m -> {
                errors.write(request, response, ApiException.validation("IDEMPOTENCY_KEY_REUSED",
                        "Idempotency-Key '" + key + "' was already used with a different request body or path", Map.of("idempotency_key", key)));
                return;
            }
            case IdempotencyStore.Claim.InProgress p -> {
                errors.write(request, response, new ApiException(HttpStatus.CONFLICT, "CONFLICT",
                        "A request with Idempotency-Key '" + key + "' is still in progress", null, "Retry once the first request has finished."));
                return;
            }
            case IdempotencyStore.Claim.Owned owned -> {
                ContentCachingResponseWrapper wrapped = new ContentCachingResponseWrapper(response);
                boolean stored = false;
                try {
                    chain.doFilter(new ReplayableRequest(request, body), wrapped);
                    int status = wrapped.getStatus();
                    if (status < 500 && status != 429) {
                        if (status < 300 && request.getAttribute(WebConfig.REVEALS_SECRET) != null) {
                            store.withhold(owner, status, wrapped.getHeader("Location"));
                        } else {
                            store.complete(owner, StoredResponse.capture(wrapped));
                        }
                        stored = true;
                    }
                } finally {
                    if (!stored) {
                        store.release(owner);
                    }
                    wrapped.copyBodyToResponse();
                }
            }
        }
    }
}

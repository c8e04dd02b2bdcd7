package dev.griddle.server.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/** The body of every failed response, as API.md's Errors section defines it. */
public record ErrorEnvelope(Error error, Meta meta) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String code, String message, Map<String, Object> details, String recoveryHint) {
    }

    public record Meta(String requestId, Instant timestamp) {
    }

    static ErrorEnvelope of(ApiException e, String requestId, Instant now) {
        return new ErrorEnvelope(new Error(e.code(), e.getMessage(), e.details().isEmpty() ? null : e.details(), e.recoveryHint()),
                new Meta(requestId, now));
    }
}

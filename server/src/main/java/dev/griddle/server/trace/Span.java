package dev.griddle.server.trace;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * One node of a trace. {@code kind}: run, step, http, llm, tool or retrieval (a knowledge search). {@code durationMs} is null while
 * the span is still open (a live run). {@code attributes} always carry {@code input_tokens},
 * {@code output_tokens} and {@code cost_usd} rolled up over the span and its children.
 */
public record Span(String id, String parentId, String kind, String name, String status, Instant startedAt, Long durationMs,
        Map<String, Object> attributes) {

    public long inputTokens() {
        return attributes.get("input_tokens") instanceof Number n ? n.longValue() : 0;
    }

    public long outputTokens() {
        return attributes.get("output_tokens") instanceof Number n ? n.longValue() : 0;
    }

    public BigDecimal costUsd() {
        return attributes.get("cost_usd") instanceof BigDecimal d ? d : BigDecimal.ZERO;
    }

    public String attribute(String key) {
        Object value = attributes.get(key);
        return value == null ? null : value.toString();
    }

    /** A step attempt that ran (not a skip). */
    boolean stepAttempt() {
        return (kind.equals("step") || kind.equals("http")) && !status.equals("skipped");
    }
}

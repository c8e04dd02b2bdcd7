package dev.griddle.server.console;

import dev.griddle.server.trace.Span;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's trace as a waterfall: the span tree in depth-first order, each row placed on the run's
 * time axis (per mille of the run's length, so the template draws it in SVG without arithmetic),
 * with its tokens and cost; and each step's attempts, from the same spans.
 */
public record ConsoleWaterfall(List<Row> rows, long totalMs, Map<String, List<Row>> attempts) {

    /** One span: its depth in the tree, where its bar starts and how long it is (0 to 1000). */
    public record Row(Span span, int depth, int offset, int width, String duration, long tokens, BigDecimal cost, String error) {
    }

    static ConsoleWaterfall of(List<Span> spans, Instant now) {
        if (spans == null || spans.isEmpty()) {
            return new ConsoleWaterfall(List.of(), 0, Map.of());
        }
        Span root = spans.getFirst();
        long start = root.startedAt().toEpochMilli();
        long end = start;
        for (Span s : spans) {
            long sEnd = s.durationMs() == null ? now.toEpochMilli() : s.startedAt().toEpochMilli() + s.durationMs();
            end = Math.max(end, sEnd);
        }
        long total = Math.max(1, end - start);
        Map<String, List<Span>> children = new HashMap<>();
        for (Span s : spans) {
            if (s.parentId() != null) {
                children.computeIfAbsent(s.parentId(), k -> new ArrayList<>()).add(s);
            }
        }
        List<Row> rows = new ArrayList<>();
        Map<String, List<Row>> attempts = new LinkedHashMap<>();
        walk(root, 0, children, start, total, now, rows, attempts);
        return new ConsoleWaterfall(rows, total, attempts);
    }

    private static void walk(Span span, int depth, Map<String, List<Span>> children, long start, long total, Instant now, List<Row> rows,
            Map<String, List<Row>> attempts) {
        if (depth > 20) {
            return;
        }
        long offsetMs = Math.max(0, span.startedAt().toEpochMilli() - start);
        long lengthMs = span.durationMs() == null ? Math.max(0, now.toEpochMilli() - span.startedAt().toEpochMilli()) : span.durationMs();
        int offset = (int) Math.min(1000, offsetMs * 1000 / total);
        int width = (int) Math.max(2, Math.min(1000 - offset, lengthMs * 1000 / total));
        Row row = new Row(span, depth, offset, width, span.durationMs() == null ? "running" : span.durationMs() + " ms",
                span.inputTokens() + span.outputTokens(), span.costUsd(), span.attribute("error"));
        rows.add(row);
        if (span.attributes().containsKey("attempt")) {
            attempts.computeIfAbsent(span.name(), k -> new ArrayList<>()).add(row);
        }
        for (Span child : children.getOrDefault(span.id(), List.of())) {
            walk(child, depth + 1, children, start, total, now, rows, attempts);
        }
    }
}

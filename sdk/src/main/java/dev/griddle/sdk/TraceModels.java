package dev.griddle.sdk;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Traces (one per run and one per chat-thread answer), their spans and evaluations, and analytics. */
public final class TraceModels {

    private TraceModels() {
    }

    /**
     * A trace as listed: its outcome, timing and usage. {@code type} {@code run} (runner fields set)
     * or {@code turn}, a chat-thread answer (id = the message id; thread and agent set).
     */
    public record Trace(UUID id, String type, UUID runId, UUID runnerId, Integer runnerVersion, String status, String triggerType, UUID parentRunId,
            UUID threadId, UUID agentId, Instant startedAt, Instant finishedAt, Long durationMs, long inputTokens, long outputTokens,
            BigDecimal costUsd) {
    }

    /** {@code kind}: run, step, http, llm or tool. Attributes carry rolled-up {@code input_tokens, output_tokens, cost_usd}. */
    public record Span(String id, String parentId, String kind, String name, String status, Instant startedAt, Long durationMs,
            Map<String, Object> attributes) {
    }

    public record Evaluation(UUID id, UUID traceId, String name, double score, String comment, Instant createdAt) {
    }

    public record TraceDetail(Trace trace, List<Span> spans, List<Evaluation> evaluations) {
    }

    public record CreateEvaluation(String name, Double score, String comment) {
    }

    public record ModelUsage(String model, long calls, long inputTokens, long outputTokens, BigDecimal costUsd) {
    }

    public record StepTypeUsage(String stepType, long attempts, long failed, long avgDurationMs) {
    }

    public record Summary(String window, Instant from, Instant to, long runs, long succeeded, long failed, long cancelled, Double successRate,
            long liveRuns, Long p50DurationMs, Long p95DurationMs, long stepsExecuted, long retrievals, long threadTurns, long inputTokens, long outputTokens,
            BigDecimal costUsd, List<ModelUsage> byModel, List<StepTypeUsage> byStepType, List<RunnerUsage> byRunner, List<TriggerUsage> byTrigger) {
    }

    /** The finished runs one kind of trigger started in a summary's window ({@code api, cron, webhook, runner, replay, experiment}). */
    public record TriggerUsage(String triggerType, long runs, long succeeded, long failed, long cancelled, Double successRate, BigDecimal costUsd) {
    }

    /** One runner's finished runs in a summary's window. */
    public record RunnerUsage(java.util.UUID runnerId, String name, long runs, long succeeded, long failed, long cancelled, Double successRate,
            Long p50DurationMs, Long p95DurationMs, long inputTokens, long outputTokens, BigDecimal costUsd) {
    }

    public record Point(Instant t, BigDecimal value) {
    }

    public record Series(List<Point> data, SeriesMeta meta) {
    }

    public record SeriesMeta(String metric, String granularity, Instant from, Instant to) {
    }
}

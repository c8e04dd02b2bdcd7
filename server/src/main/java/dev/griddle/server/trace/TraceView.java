package dev.griddle.server.trace;

import dev.griddle.server.engine.RunRow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A trace as listed. {@code type}: {@code run} (trace id = run id; runner, version, trigger and
 * parent run set) or {@code turn} (trace id = the answer's message id in a chat thread; thread and
 * agent set). {@code status} speaks a run's words for both: a turn that is streaming is
 * {@code running}, completed {@code succeeded}, stopped {@code cancelled}, failed or interrupted
 * {@code failed}.
 */
record TraceView(UUID id, String type, UUID runId, UUID runnerId, Integer runnerVersion, String status, String triggerType, UUID parentRunId,
        UUID threadId, UUID agentId, Instant startedAt, Instant finishedAt, Long durationMs, long inputTokens, long outputTokens,
        BigDecimal costUsd) {

    static TraceView of(RunRow run, List<Span> spans) {
        Span root = spans == null ? null : spans.getFirst();
        return new TraceView(run.id(), "run", run.id(), run.runnerId(), run.runnerVersion(), run.status().wire(), run.triggerType(),
                run.parentRunId(), null, null, run.createdAt(), run.finishedAt(),
                run.finishedAt() == null ? null : run.finishedAt().toEpochMilli() - run.createdAt().toEpochMilli(),
                root == null ? run.inputTokens() : root.inputTokens(), root == null ? run.outputTokens() : root.outputTokens(),
                root == null ? run.costUsd() : root.costUsd());
    }

    static TraceView of(TurnTraces.Turn turn) {
        return new TraceView(turn.id(), "turn", null, null, null, TurnTraceBuilder.traceStatus(turn.status()), null, null, turn.threadId(),
                turn.agentId(), turn.createdAt(), turn.finishedAt(),
                turn.finishedAt() == null ? null : Math.max(0, turn.finishedAt().toEpochMilli() - turn.createdAt().toEpochMilli()),
                turn.inputTokens(), turn.outputTokens(), TurnTraceBuilder.money(turn.costUsd()));
    }
}

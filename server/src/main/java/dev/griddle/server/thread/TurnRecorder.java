package dev.griddle.server.thread;

import dev.griddle.server.trace.TurnTraces.Call;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The model and tool calls of one turn with their timings, kept in memory as they end and stored
 * with the answer where its usage is stored (after each model call, by the heartbeat, at the end):
 * the turn's trace. Nothing here touches the database, and the first-token path only reads the
 * clock once per model call. Read by the heartbeat's thread while the turn's thread writes it.
 */
final class TurnRecorder {

    /** A model call in progress: when it started, and when its first text arrived. */
    static final class ModelCall {
        private final Instant startedAt;
        private final long startNanos;
        private final boolean planReminder;
        private volatile long firstTokenNanos;

        private ModelCall(Instant startedAt, boolean planReminder) {
            this.startedAt = startedAt;
            this.startNanos = System.nanoTime();
            this.planReminder = planReminder;
        }

        /** Called for every piece of text; only the first one is kept. */
        void text() {
            if (firstTokenNanos == 0) {
                firstTokenNanos = System.nanoTime();
            }
        }
    }

    /** A tool call in progress. */
    record ToolCall(String name, Instant startedAt, long startNanos) {
    }

    private final Clock clock;
    private final List<Call> calls = new ArrayList<>();
    /** Index in {@link #calls} of the last model call that ended: the one whose tool calls follow. */
    private int lastModelCall = -1;

    TurnRecorder(Clock clock) {
        this.clock = clock;
    }

    ModelCall startModelCall(boolean planReminder) {
        return new ModelCall(clock.instant(), planReminder);
    }

    /** Records a model call that ended; {@code status} succeeded, failed or cancelled. */
    synchronized void endModelCall(ModelCall call, String model, String status, String error, long inputTokens, long outputTokens,
            BigDecimal costUsd) {
        long first = call.firstTokenNanos;
        calls.add(new Call("llm", null, model, call.startedAt, millisSince(call.startNanos), status, error, inputTokens, outputTokens, costUsd,
                first == 0 ? null : Math.max(0, (first - call.startNanos) / 1_000_000), call.planReminder, null));
        lastModelCall = calls.size() - 1;
    }

    ToolCall startToolCall(String name) {
        return new ToolCall(name, clock.instant(), System.nanoTime());
    }

    /**
     * Records a tool call that ended, under the model call that asked for it; {@code status}
     * succeeded, failed or cancelled; {@code retrieval} what its knowledge search found, or null.
     */
    synchronized void endToolCall(ToolCall call, String status, String error, JsonNode retrieval) {
        calls.add(new Call("tool", lastModelCall < 0 ? null : lastModelCall, call.name(), call.startedAt(), millisSince(call.startNanos()),
                status, error, 0, 0, BigDecimal.ZERO, null, false, retrieval));
    }

    /** The calls that ended so far, in order. */
    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    private static long millisSince(long startNanos) {
        return Math.max(0, (System.nanoTime() - startNanos) / 1_000_000);
    }
}

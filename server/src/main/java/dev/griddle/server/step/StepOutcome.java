package dev.griddle.server.step;

import java.math.BigDecimal;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What an executor reports. The engine turns it into state changes; executors never call the
 * engine. Any outcome may carry a {@link Trail}: what the step spent (model tokens and money, added
 * to the run's totals) and the events it wants logged ({@code llm_call}, {@code tool_call}), all
 * applied in the completing transaction.
 */
public sealed interface StepOutcome {

    /** What the step spent and logged on the way; empty for most step types. */
    default Trail trail() {
        return Trail.EMPTY;
    }

    /** The step succeeded with this output. */
    record Done(JsonNode output, Trail trail) implements StepOutcome {
        public Done(JsonNode output) {
            this(output, Trail.EMPTY);
        }

        public Done {
            trail = trail == null ? Trail.EMPTY : trail;
        }
    }

    /** The step failed; {@code retryable} says whether the step's retry policy may try again. */
    record Failed(String message, boolean retryable, JsonNode details, Trail trail) implements StepOutcome {
        public Failed(String message, boolean retryable) {
            this(message, retryable, null, Trail.EMPTY);
        }

        public Failed(String message, boolean retryable, JsonNode details) {
            this(message, retryable, details, Trail.EMPTY);
        }

        public Failed {
            trail = trail == null ? Trail.EMPTY : trail;
        }
    }

    /**
     * The step stopped before a model call because the runner's budget is spent. {@code fail}: the
     * budget says {@code on_exceed: fail} (the step fails); otherwise the run is paused as
     * {@code budget_paused} and this attempt runs again once the run is resumed.
     */
    record BudgetExceeded(String reason, boolean fail, Trail trail) implements StepOutcome {
        public BudgetExceeded {
            trail = trail == null ? Trail.EMPTY : trail;
        }
    }

    /** Model tokens and dollars spent. */
    record Usage(long inputTokens, long outputTokens, BigDecimal costUsd) {
        public static final Usage NONE = new Usage(0, 0, BigDecimal.ZERO);

        public Usage plus(Usage other) {
            return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens, costUsd.add(other.costUsd));
        }

        public long tokens() {
            return inputTokens + outputTokens;
        }
    }

    /** An event to append to the run's log, for this step. */
    record Event(String type, JsonNode data) {
    }

    /**
     * One external call of the attempt, as its run's recording keeps it (issue #18): {@code seq} its order in
     * the attempt, {@code fingerprint} the hash of what the request means, {@code replayed} when a recording
     * answered it (its duration and cost are then the recorded ones).
     */
    record Call(int seq, String kind, String fingerprint, JsonNode request, JsonNode response, long durationMs, BigDecimal costUsd,
            boolean replayed) {
    }

    /** Usage, events and external calls of one step attempt. */
    record Trail(Usage usage, List<Event> events, List<Call> calls) {
        public static final Trail EMPTY = new Trail(Usage.NONE, List.of());

        public Trail(Usage usage, List<Event> events) {
            this(usage, events, List.of());
        }

        public Trail {
            usage = usage == null ? Usage.NONE : usage;
            events = events == null ? List.of() : List.copyOf(events);
            calls = calls == null ? List.of() : List.copyOf(calls);
        }

        public boolean isEmpty() {
            return events.isEmpty() && calls.isEmpty() && usage.tokens() == 0 && usage.costUsd().signum() == 0;
        }

        public Trail withCalls(List<Call> calls) {
            return new Trail(usage, events, calls);
        }
    }

    /** This outcome with {@code trail} in place of its own. */
    default StepOutcome withTrail(Trail trail) {
        return switch (this) {
            case Done d -> new Done(d.output(), trail);
            case Failed f -> new Failed(f.message(), f.retryable(), f.details(), trail);
            case BudgetExceeded b -> new BudgetExceeded(b.reason(), b.fail(), trail);
        };
    }

    static Done done(JsonNode output) {
        return new Done(output);
    }

    static Failed failed(String message, boolean retryable) {
        return new Failed(message, retryable);
    }
}

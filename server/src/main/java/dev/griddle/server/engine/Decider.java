package dev.griddle.server.engine;

import dev.griddle.server.runner.RetryPolicy;
import dev.griddle.server.runner.StepSpec;
import dev.griddle.server.step.StepOutcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import tools.jackson.databind.JsonNode;

/**
 * The run's state machine, as pure functions: given the graph and every step's state, what
 * happens next ({@link #decide}, {@link #failFast}); given a task's outcome, what it means for its
 * step or item ({@link #onOutcome}, {@link #afterItem}, {@link #onLeaseExpired}). No I/O, no
 * clock, no expressions: the caller evaluates {@code if} conditions, renders arguments for the
 * steps this returns as ready, and applies verdicts through the transitions of
 * {@link StepRow} and {@link RunTx}.
 */
final class Decider {

    /** A step's state as the Decider sees it. */
    record StepState(StepStatus status, String skipReason) {
        boolean satisfied() {
            // A step skipped by its own condition or switched off does not block its dependents.
            return status == StepStatus.SUCCEEDED
                    || (status == StepStatus.SKIPPED && !Skip.BLOCKED.equals(skipReason));
        }
    }

    /** Skip reasons, as events and step runs show them. */
    static final class Skip {
        static final String BLOCKED = "blocked";
        static final String CONDITION_FALSE = "condition_false";
        static final String DISABLED = "step_disabled";

        private Skip() {
        }
    }

    /**
     * What to do now. {@code ready}: pending steps whose needs are all satisfied, to start;
     * {@code blocked}: pending steps to skip because an upstream failed; {@code outcome}: the run's
     * end, or null while it goes on.
     */
    record Decision(List<String> ready, List<String> blocked, RunStatus outcome) {
    }

    /** What fail-fast does when {@code failedStep} has failed. */
    record FailFast(List<String> cancel, List<String> blocked, List<String> neverStarted) {
    }

    /** What a task's outcome means for its step, or for one item of a for_each step. */
    sealed interface Verdict {
        /** The step (or item) succeeded with this output. */
        record Succeed(JsonNode output) implements Verdict {
        }

        /** Attempt {@code next} runs after {@code delayMs}; {@code error} says why the last one failed. */
        record Retry(int next, long delayMs, JsonNode error) implements Verdict {
        }

        /** The step fails for good with this message, and the run with it (fail-fast). */
        record Fail(String message, JsonNode details) implements Verdict {
        }

        /** The runner's budget is spent: the run pauses and this attempt waits, held in the queue. */
        record Pause() implements Verdict {
        }
    }

    /** What a for_each step does once one of its items succeeded. */
    sealed interface AfterItem {
        /** Others are left: queue this many more now (0: wait for those still running). */
        record NextItems(int count) implements AfterItem {
        }

        /** That was the last: the step succeeds with the outputs of all its items. */
        record Finish() implements AfterItem {
        }
    }

    private Decider() {
    }

    /**
     * What {@code outcome} of {@code attempt} means under the step's retry policy: a retryable
     * failure is tried again after the policy's backoff until {@code maxAttempts}, then fails.
     * {@code itemIndex} is -1 for the step itself; failures of an item name it.
     */
    static Verdict onOutcome(RetryPolicy policy, int attempt, int itemIndex, StepOutcome outcome, RandomGenerator random) {
        String item = itemIndex >= 0 ? " (item " + itemIndex + ")" : "";
        return switch (outcome) {
            case StepOutcome.Done done -> new Verdict.Succeed(done.output());
            case StepOutcome.BudgetExceeded over -> over.fail() ? new Verdict.Fail("budget exceeded: " + over.reason() + item, null) : new Verdict.Pause();
            case StepOutcome.Failed failed -> {
                if (failed.retryable() && attempt < policy.maxAttempts()) {
                    yield new Verdict.Retry(attempt + 1, Backoff.delayMillis(policy, attempt, random), StepRow.error(failed.message(), failed.details()));
                }
                String attempts = policy.maxAttempts() > 1 && failed.retryable() ? " after " + attempt + " attempts" : "";
                yield new Verdict.Fail(failed.message() + item + attempts, failed.details());
            }
        };
    }

    /**
     * The lease of {@code attempt} ran out (its process died). Crashes are not the step's fault: on
     * top of its retry policy a step gets {@code allowance} more attempts, each run at once.
     */
    static Verdict onLeaseExpired(RetryPolicy policy, int attempt, int itemIndex, int allowance) {
        String message = "lease expired: the process executing attempt " + attempt + " stopped heartbeating";
        if (attempt < policy.maxAttempts() + allowance) {
            return new Verdict.Retry(attempt + 1, 0, StepRow.error(message, null));
        }
        return onOutcome(policy, attempt, itemIndex, new StepOutcome.Failed(message + " (" + attempt + " attempts)", false), null);
    }

    /** An item succeeded, leaving {@code counts}: finish the step, or keep up to {@code maxParallel} items queued or running. */
    static AfterItem afterItem(StepRunStore.ItemCounts counts, int maxParallel) {
        if (counts.active() == 0 && counts.pending() == 0) {
            return new AfterItem.Finish();
        }
        return new AfterItem.NextItems((int) Math.max(0, Math.min(maxParallel - counts.active(), counts.pending())));
    }

    static Decision decide(List<StepSpec> steps, Map<String, StepState> states, boolean stopping) {
        List<String> ready = new ArrayList<>();
        List<String> blocked = new ArrayList<>();
        Map<String, StepState> view = new LinkedHashMap<>(states);
        boolean changed = true;
        // Blocking propagates down chains in one decision: iterate until nothing more is blocked.
        while (changed) {
            changed = false;
            for (StepSpec step : steps) {
                StepState state = view.get(step.id());
                if (state.status() != StepStatus.PENDING || ready.contains(step.id())) {
                    continue;
                }
                boolean allTerminal = true;
                boolean anyUnsatisfied = false;
                for (String need : step.needs()) {
                    StepState n = view.get(need);
                    if (!n.status().terminal()) {
                        allTerminal = false;
                    } else if (!n.satisfied()) {
                        anyUnsatisfied = true;
                    }
                }
                if (anyUnsatisfied) {
                    blocked.add(step.id());
                    view.put(step.id(), new StepState(StepStatus.SKIPPED, Skip.BLOCKED));
                    changed = true;
                } else if (allTerminal && !stopping) {
                    ready.add(step.id());
                }
            }
        }
        return new Decision(ready, blocked, outcome(steps, view, ready, stopping));
    }

    private static RunStatus outcome(List<StepSpec> steps, Map<String, StepState> view, List<String> ready, boolean stopping) {
        if (!ready.isEmpty()) {
            return null;
        }
        boolean anyFailed = false;
        boolean anyCancelled = false;
        for (StepSpec step : steps) {
            StepState s = view.get(step.id());
            if (s.status().active()) {
                return null;
            }
            if (s.status() == StepStatus.PENDING && !stopping) {
                return null;
            }
            anyFailed |= s.status() == StepStatus.FAILED;
            anyCancelled |= s.status() == StepStatus.CANCELLED || s.status() == StepStatus.PENDING;
        }
        if (anyFailed) {
            return RunStatus.FAILED;
        }
        return anyCancelled || stopping ? RunStatus.CANCELLED : RunStatus.SUCCEEDED;
    }

    /**
     * Fail-fast: the failed step's downstream is blocked; every other started step is cancelled;
     * every other pending step will never start.
     */
    static FailFast failFast(List<StepSpec> steps, Map<String, StepState> states, String failedStep) {
        Set<String> downstream = downstreamOf(steps, failedStep);
        List<String> cancel = new ArrayList<>();
        List<String> blocked = new ArrayList<>();
        List<String> neverStarted = new ArrayList<>();
        for (StepSpec step : steps) {
            if (step.id().equals(failedStep)) {
                continue;
            }
            StepStatus status = states.get(step.id()).status();
            if (status.active()) {
                cancel.add(step.id());
            } else if (status == StepStatus.PENDING) {
                (downstream.contains(step.id()) ? blocked : neverStarted).add(step.id());
            }
        }
        return new FailFast(cancel, blocked, neverStarted);
    }

    static Set<String> downstreamOf(List<StepSpec> steps, String root) {
        Map<String, List<String>> dependents = new LinkedHashMap<>();
        for (StepSpec step : steps) {
            for (String need : step.needs()) {
                dependents.computeIfAbsent(need, k -> new ArrayList<>()).add(step.id());
            }
        }
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(dependents.getOrDefault(root, List.of()));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(dependents.getOrDefault(next, List.of()));
            }
        }
        return seen;
    }
}

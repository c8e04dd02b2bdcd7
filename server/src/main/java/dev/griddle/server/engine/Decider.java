package dev.griddle.server.engine;

import dev.griddle.server.runner.StepSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The run's state machine, as a pure function: given the graph and every step's state, what
 * happens next. No I/O, no clock, no expressions: the caller evaluates {@code if} conditions
 * and renders arguments for the steps this returns as ready.
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

    private Decider() {
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

package dev.griddle.server.engine;

import dev.griddle.server.runner.StepSpec;

/** The rule that derives a run's status from its steps' states, applied after every change to a run. */
final class RunStatusRule {

    private RunStatusRule() {
    }

    /**
     * The run's status between steps: {@code running} while a step executes (or a local step is
     * queued for an executor once the run has begun), {@code waiting} while nothing executes and
     * something waits outside the engine's executors (a timer, an approval, a child run, a remote
     * task not yet claimed), {@code queued} only before anything has started.
     */
    static void refresh(RunTx run) {
        if (run.status().terminal() || run.status().paused()) {
            return;
        }
        boolean executing = false;
        boolean ready = false;
        boolean waits = false;
        boolean progressed = false;
        for (StepRow step : run.steps.values()) {
            switch (step.status()) {
                case RUNNING -> executing = true;
                case WAITING -> waits = true;
                case QUEUED -> {
                    if (waitsOutside(run.specs.get(step.stepId))) {
                        waits = true;
                    } else {
                        ready = true;
                    }
                }
                default -> progressed |= step.status().terminal();
            }
        }
        if (executing || (ready && run.status() != RunStatus.QUEUED)) {
            run.moveTo(RunStatus.RUNNING);
        } else if (waits) {
            run.moveTo(RunStatus.WAITING);
        } else if (progressed) {
            run.moveTo(RunStatus.RUNNING);
        }
    }

    /** A queued step no executor of this node is about to run: a timer, or a task for remote workers. */
    private static boolean waitsOutside(StepSpec spec) {
        return spec instanceof StepSpec.Wait || spec instanceof StepSpec.Task || (spec != null && !spec.runsOn().isEmpty());
    }
}

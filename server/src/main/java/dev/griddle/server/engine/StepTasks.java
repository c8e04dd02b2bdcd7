package dev.griddle.server.engine;

import dev.griddle.server.replay.Tapes;
import dev.griddle.server.runner.StepSpec;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Queues a started step's attempt (or one item's) as a task, with its rendered arguments as input. On
 * a replay (issue #18) a {@code wait} is ready at once, and work for a remote worker is queued as a
 * {@link InternalKinds#REPLAYED_TASK} the engine answers from the recording instead.
 */
@Component
class StepTasks {

    private final TaskQueue queue;
    private final Tapes tapes;

    StepTasks(TaskQueue queue, Tapes tapes) {
        this.queue = queue;
        this.tapes = tapes;
    }

    /** Queues the pending step's next attempt. @throws dev.griddle.server.runner.InvalidStepArguments before anything changed */
    void enqueueStep(RunTx run, StepSpec spec, StepRow step, JsonNode args) {
        TaskRow task = task(run, spec, -1, step.attempt() + 1, args);
        step.queue();
        insert(run, task);
    }

    /** Queues one item's attempt; its step is running already. @throws dev.griddle.server.runner.InvalidStepArguments */
    void enqueueItem(RunTx run, StepSpec spec, int idx, int attempt, JsonNode args) {
        insert(run, task(run, spec, idx, attempt, args));
    }

    private void insert(RunTx run, TaskRow task) {
        queue.enqueue(task, run.now, run.status().paused());
        run.tasksQueued();
    }

    private TaskRow task(RunTx run, StepSpec spec, int itemIndex, int attempt, JsonNode args) {
        if (spec instanceof StepSpec.Retrieve retrieve) {
            StepSpec.rendered(retrieve, args); // its scopes and top_k typed once rendered: a bad one fails the step here, before any task
        }
        StepSpec.Task task = spec instanceof StepSpec.Task t ? StepSpec.rendered(t, args) : null;
        String taskType = task != null ? task.taskType() : spec.type();
        JsonNode input = task != null ? task.input() : args;
        if (ReplayedTasks.remote(spec.type(), spec.runsOn()) && tapes.replaying(run.id())) {
            return TaskRow.internal(run.row.orgId(), run.id(), spec.id(), attempt, InternalKinds.REPLAYED_TASK,
                    ReplayedTasks.wrap(spec.type(), taskType, spec.runsOn(), spec.timeoutMs(), input), run.now).at(itemIndex);
        }
        return new TaskRow(UUID.randomUUID(), run.row.orgId(), run.id(), spec.id(), itemIndex, attempt, spec.type(), taskType, spec.runsOn(),
                input.isMissingNode() ? JsonNodeFactory.instance.objectNode() : input, spec.timeoutMs(), readyAt(run, spec, args), null, null, null);
    }

    /** A wait's end; on a replay it takes no time (its arguments still rendered and checked). */
    private Instant readyAt(RunTx run, StepSpec spec, JsonNode args) {
        if (!(spec instanceof StepSpec.Wait wait)) {
            return run.now;
        }
        Instant end = StepSpec.rendered(wait, args).readyAt(run.now);
        return tapes.replaying(run.id()) ? run.now : end;
    }
}

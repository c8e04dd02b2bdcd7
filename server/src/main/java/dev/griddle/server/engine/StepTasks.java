package dev.griddle.server.engine;

import dev.griddle.server.runner.StepSpec;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Queues a started step's attempt (or one item's) as a task, with its rendered arguments as input. */
@Component
class StepTasks {

    private final TaskQueue queue;

    StepTasks(TaskQueue queue) {
        this.queue = queue;
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

    private static TaskRow task(RunTx run, StepSpec spec, int itemIndex, int attempt, JsonNode args) {
        if (spec instanceof StepSpec.Retrieve retrieve) {
            StepSpec.rendered(retrieve, args); // its scopes and top_k typed once rendered: a bad one fails the step here, before any task
        }
        StepSpec.Task task = spec instanceof StepSpec.Task t ? StepSpec.rendered(t, args) : null;
        String taskType = task != null ? task.taskType() : spec.type();
        JsonNode input = task != null ? task.input() : args;
        return new TaskRow(UUID.randomUUID(), run.row.orgId(), run.id(), spec.id(), itemIndex, attempt, spec.type(), taskType, spec.runsOn(),
                input.isMissingNode() ? JsonNodeFactory.instance.objectNode() : input, spec.timeoutMs(), readyAt(run, spec, args), null, null, null);
    }

    private static Instant readyAt(RunTx run, StepSpec spec, JsonNode args) {
        return spec instanceof StepSpec.Wait wait ? StepSpec.rendered(wait, args).readyAt(run.now) : run.now;
    }
}

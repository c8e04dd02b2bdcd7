package dev.griddle.server.engine;

import dev.griddle.server.runner.StepSpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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

    /** Queues the pending step's next attempt. @throws InvalidStepArguments before anything changed */
    void enqueueStep(RunTx run, StepSpec spec, StepRow step, JsonNode args) {
        TaskRow task = task(run, spec, -1, step.attempt() + 1, args);
        step.queue();
        insert(run, task);
    }

    /** Queues one item's attempt; its step is running already. @throws InvalidStepArguments */
    void enqueueItem(RunTx run, StepSpec spec, int idx, int attempt, JsonNode args) {
        insert(run, task(run, spec, idx, attempt, args));
    }

    private void insert(RunTx run, TaskRow task) {
        queue.enqueue(task, run.now, run.status().paused());
        run.tasksQueued();
    }

    private static TaskRow task(RunTx run, StepSpec spec, int itemIndex, int attempt, JsonNode args) {
        String taskType = "task".equals(spec.type()) ? args.path("task_type").asString(null) : spec.type();
        if (taskType == null || taskType.isBlank()) {
            throw new InvalidStepArguments("task step '" + spec.id() + "' needs with.task_type");
        }
        JsonNode input = "task".equals(spec.type()) ? args.path("input") : args;
        return new TaskRow(UUID.randomUUID(), run.row.orgId(), run.id(), spec.id(), itemIndex, attempt, spec.type(), taskType, spec.runsOn(),
                input.isMissingNode() ? JsonNodeFactory.instance.objectNode() : input, spec.timeoutMs(), readyAt(run, spec, args), null, null, null);
    }

    private static Instant readyAt(RunTx run, StepSpec spec, JsonNode args) {
        if (!"wait".equals(spec.type())) {
            return run.now;
        }
        if (args.hasNonNull("duration_ms")) {
            long ms = args.get("duration_ms").asLong();
            if (ms < 0) {
                throw new InvalidStepArguments("wait: duration_ms must be >= 0, was " + ms);
            }
            return run.now.plusMillis(ms);
        }
        if (args.hasNonNull("until")) {
            try {
                Instant until = Instant.parse(args.get("until").asString());
                return until.isBefore(run.now) ? run.now : until;
            } catch (DateTimeParseException e) {
                throw new InvalidStepArguments("wait: until must be an RFC 3339 timestamp, was '" + args.get("until").asString() + "'");
            }
        }
        throw new InvalidStepArguments("wait: needs duration_ms or until");
    }
}

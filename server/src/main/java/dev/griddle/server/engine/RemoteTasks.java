package dev.griddle.server.engine;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.replay.Tapes;
import dev.griddle.server.secret.SecretMasking;
import dev.griddle.server.step.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The engine's door for remote workers ({@code dev.griddle.server.worker}): claim, start, extend,
 * complete and log tasks without reaching into the engine's package-private parts. Every method
 * that takes a lease token fences on it: a stale token changes nothing and says so.
 */
@Component
public class RemoteTasks {

    private final TaskQueue queue;
    private final Completer completer;
    private final RunTransactions transactions;
    private final Wakeups wakeups;
    private final SecretMasking masking;

    private final Tapes tapes;

    RemoteTasks(TaskQueue queue, Completer completer, RunTransactions transactions, Wakeups wakeups, SecretMasking masking, Tapes tapes) {
        this.tapes = tapes;
        this.masking = masking;
        this.queue = queue;
        this.completer = completer;
        this.transactions = transactions;
        this.wakeups = wakeups;
    }

    /** Claims up to {@code max} of this organization's tasks within {@code scope} (the worker key's projects) that the labels and task types match. */
    public List<TaskRow> claim(UUID orgId, ProjectScope scope, String owner, Collection<String> labels, Collection<String> taskTypes, int max,
            Duration lease, Instant now) {
        return queue.claimRemote(orgId, scope, owner, labels, taskTypes, max, lease, now);
    }

    /**
     * Marks a claimed task started (step {@code running}, {@code step_started}). False when it
     * should not run after all (run finished, step called off, lease lost): the task is then
     * dropped, as the local dispatcher does.
     */
    public boolean start(TaskRow task) {
        if (completer.markStarted(task)) {
            return true;
        }
        queue.release(task.id(), task.leaseToken());
        return false;
    }

    /** The live task with this id, if it is still in the queue. */
    public Optional<TaskRow> find(UUID taskId) {
        return queue.find(taskId);
    }

    /** The new lease expiry, or empty when {@code token} no longer holds the task. */
    public Optional<Instant> extend(UUID taskId, long token, Duration lease, Instant now) {
        return queue.extend(taskId, token, lease, now);
    }

    public Completer.Result complete(TaskRow task, long token, StepOutcome outcome) {
        return completer.complete(task, token, outcome);
    }

    /**
     * A worker's report of its result: {@link #complete}, the result joining the run's recording as a
     * {@code task} call (issue #18) with the time since the claim as its duration.
     */
    public Completer.Result report(TaskRow task, long token, StepOutcome outcome, Instant now) {
        long durationMs = queue.claimedAt(task.id()).map(at -> Duration.between(at, now).toMillis()).orElse(0L);
        StepOutcome.Call call = tapes.recorded(task.orgId(), task.runId(), ReplayedTasks.KIND,
                ReplayedTasks.request(task.kind(), task.taskType(), task.input()), ReplayedTasks.response(outcome), durationMs);
        StepOutcome recorded = call == null ? outcome : outcome.withTrail(outcome.trail().withCalls(List.of(call)));
        return completer.complete(task, token, recorded);
    }

    /** Appends {@code log} events with the task's step id, if {@code token} still holds the task; secret values in lines are masked. */
    public Completer.Result log(TaskRow task, long token, String stream, List<String> reported) {
        List<String> lines = reported.stream().map(line -> masking.mask(task.orgId(), line)).toList();
        Completer.Result result = transactions.inRun(task.runId(), run -> {
            if (queue.leased(task.id(), token).isEmpty()) {
                return Completer.Result.LEASE_LOST;
            }
            for (String line : lines) {
                ObjectNode data = JsonNodeFactory.instance.objectNode().put("line", line).put("attempt", task.attempt());
                if (stream != null) {
                    data.put("stream", stream);
                }
                if (task.itemIndex() >= 0) {
                    data.put("item_index", task.itemIndex());
                }
                run.event("log", task.stepId(), data);
            }
            return Completer.Result.APPLIED;
        });
        return result == null ? Completer.Result.LEASE_LOST : result;
    }

    /** A counter of task signals; pass it to {@link #awaitTasks} to not miss one that came since. */
    public long taskSignals() {
        return wakeups.taskSignals();
    }

    /** Wakes every claim waiting in {@link #awaitTasks} on this node (at shutdown, so long polls end). */
    public void wakeClaimers() {
        wakeups.signalTasks();
    }

    /** Waits until tasks are enqueued anywhere (in-process signal or {@code NOTIFY}) or the timeout passes. */
    public void awaitTasks(long seenSignals, long timeoutMillis) throws InterruptedException {
        wakeups.awaitTasks(seenSignals, timeoutMillis);
    }
}

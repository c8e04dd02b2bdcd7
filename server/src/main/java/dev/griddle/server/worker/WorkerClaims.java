package dev.griddle.server.worker;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.RemoteTasks;
import dev.griddle.server.engine.TaskRow;
import dev.griddle.server.secret.OrgSecrets;
import dev.griddle.server.secret.SecretException;
import dev.griddle.server.secret.SecretUse;
import dev.griddle.server.step.StepOutcome;
import dev.griddle.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A worker's long-polling claim: takes what matches its labels and task types, never more than its
 * free capacity, and otherwise waits for the engine's task signal (in-process, or {@code NOTIFY}
 * from another node) until {@code wait_ms} runs out. Polls once a second as the fallback. Secret
 * placeholders in a task's input become the values in what the worker is handed, never in the
 * stored task.
 */
@Component
class WorkerClaims implements SmartLifecycle {

    private static final long POLL_FALLBACK_MILLIS = 1000;

    private final WorkerStore workers;
    private final WorkerTaskHistory history;
    private final RemoteTasks tasks;
    private final RemoteLease lease;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final OrgSecrets secrets;

    WorkerClaims(WorkerStore workers, WorkerTaskHistory history, RemoteTasks tasks, RemoteLease lease, TransactionTemplate tx, Clock clock,
            OrgSecrets secrets) {
        this.secrets = secrets;
        this.workers = workers;
        this.history = history;
        this.tasks = tasks;
        this.lease = lease;
        this.tx = tx;
        this.clock = clock;
    }

    private volatile boolean running;

    /** Stopped before the web server's graceful shutdown (a higher phase stops first): long polls end with 204 at once. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        tasks.wakeClaimers();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Started tasks, or an empty list when nothing came within {@code waitMillis}. A draining worker gets 409. */
    List<TaskRow> claim(UUID orgId, ProjectScope scope, UUID workerId, int max, long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        while (running) {
            long seen = tasks.taskSignals();
            List<TaskRow> started = claimOnce(orgId, scope, workerId, max);
            long remaining = (deadline - System.nanoTime()) / 1_000_000;
            if (!started.isEmpty() || remaining <= 0) {
                return started;
            }
            tasks.awaitTasks(seen, Math.min(remaining, POLL_FALLBACK_MILLIS));
        }
        return List.of(); // shutting down: hand out nothing more
    }

    private List<TaskRow> claimOnce(UUID orgId, ProjectScope scope, UUID workerId, int max) {
        List<TaskRow> claimed = tx.execute(status -> {
            Instant now = clock.instant();
            workers.heartbeat(orgId, workerId, now); // a claim is a sign of life
            Worker worker = workers.lock(orgId, workerId, now).orElseThrow(() -> ApiException.notFound("worker", workerId));
            if (worker.draining()) {
                throw ApiException.conflict("Worker '" + worker.name() + "' is draining: it gets no new tasks");
            }
            int n = Math.min(max, worker.freeSlots());
            if (n == 0) {
                return List.<TaskRow>of();
            }
            List<TaskRow> rows = tasks.claim(orgId, scope, Worker.owner(workerId), worker.labels(), worker.taskTypes(), n, lease.duration(), now);
            rows.forEach(task -> history.claimed(workerId, task, now));
            return rows;
        });
        List<TaskRow> started = new ArrayList<>();
        for (TaskRow task : claimed) {
            if (!tasks.start(task)) {
                history.finished(task.id(), "dropped", null, clock.instant());
                continue;
            }
            try {
                // only placeholders rendered for this step of this run are revealed; copied ones stay text
                started.add(task.withInput(secrets.reveal(SecretUse.step(orgId, task.projectId(), task.runId(), task.stepId()), task.input())));
            } catch (SecretException e) {
                // deleted since the step was rendered: the attempt fails here instead of reaching the worker
                tasks.complete(task, task.leaseToken(), StepOutcome.failed(e.getMessage(), false));
                history.finished(task.id(), "failed", JsonNodeFactory.instance.objectNode().put("message", e.getMessage()), clock.instant());
            }
        }
        return started;
    }
}

package dev.griddle.server.engine;

import dev.griddle.server.GriddleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What a lost lease means for an engine-internal task ({@link InternalKinds}): the work is
 * idempotent, so the task is handed back as it was, but only {@code griddle.engine.internal-task-attempts}
 * times. A task that keeps killing (or crashing) whoever runs it would otherwise loop forever; past
 * the cap its step fails (the run, when the task belongs to no step) with an error that says so.
 */
@Component
class InternalTaskExpiry {

    private static final Logger log = LoggerFactory.getLogger(InternalTaskExpiry.class);

    private final JdbcClient jdbc;
    private final Finisher finisher;
    private final LimitHits hits;
    private final int attempts;

    InternalTaskExpiry(JdbcClient jdbc, Finisher finisher, LimitHits hits, GriddleProperties props) {
        this.jdbc = jdbc;
        this.finisher = finisher;
        this.hits = hits;
        this.attempts = props.engine().internalTaskAttempts();
    }

    /** Inside the run's transaction: hands the task back, or past the cap ends its step or run. */
    void expired(RunTx run, TaskRow task) {
        Integer expiries = jdbc.sql("""
                update tasks set lease_owner = null, lease_token = null, lease_expires_at = null, claimed_at = null,
                       expiries = expiries + 1
                where id = :id and lease_token = :token
                returning expiries
                """).param("id", task.id()).param("token", task.leaseToken()).query(Integer.class).optional().orElse(null);
        if (expiries == null) {
            return; // someone else moved the task on
        }
        if (expiries < attempts) {
            run.tasksQueued();
            return;
        }
        jdbc.sql("delete from tasks where id = :id").param("id", task.id()).update();
        hits.hit(LimitHits.Limit.INTERNAL_TASK_ATTEMPTS);
        String message = "engine-internal task '" + task.kind() + "' lost its lease " + expiries + " times (the process running it stopped or "
                + "crashed each time); giving up (griddle.engine.internal-task-attempts = " + attempts + ")";
        log.error("Run {}: {}", run.id(), message);
        if (run.status().terminal()) {
            return;
        }
        StepRow step = run.step(task.stepId());
        if (step != null && step.status().active()) {
            finisher.fail(run, step, message, null);
        } else {
            finisher.finish(run, RunStatus.FAILED, StepRow.error(message, null));
        }
    }
}

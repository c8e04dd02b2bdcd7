package dev.griddle.server.engine;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.auth.ProjectScope;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task queue: live work only. Claiming selects ready rows {@code FOR UPDATE SKIP LOCKED} and
 * stamps a lease (owner, fencing token, expiry) in the same statement; completing deletes the row
 * only while the caller's token is still the current one.
 */
@Repository
public class TaskQueue {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    private final org.springframework.transaction.support.TransactionTemplate tx;

    TaskQueue(JdbcClient jdbc, JsonMapper json, org.springframework.transaction.support.TransactionTemplate tx) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * The run's facts a task carries to its executor (project, runner, version), read with the
     * insert: one lookup of the run's row, no statement of its own.
     */
    private static final String RUN_FACTS = "with run as (select project_id, runner_id, runner_version from runs where id = :run)\n";

    void enqueue(TaskRow task, Instant now, boolean held) {
        Eager eager = EAGER.get();
        if (eager != null && !held && eager.wants(task, now)) {
            TaskRow leased = insertLeased(task, now, eager);
            if (leased != null) {
                eager.leased.add(leased);
                return;
            }
            eager.permits.release(); // a duplicate (on conflict): nothing was queued
            return;
        }
        jdbc.sql(RUN_FACTS + """
                insert into tasks (id, org_id, run_id, step_id, item_index, attempt, kind, task_type, runs_on, input, timeout_ms, held,
                                   ready_at, created_at, project_id, runner_id, runner_version)
                values (:id, :org, :run, :step, :item, :attempt, :kind, :taskType, :runsOn, cast(:input as jsonb), :timeout, :held,
                        :ready, :now, (select project_id from run), (select runner_id from run), (select runner_version from run))
                on conflict (run_id, step_id, item_index) do nothing
                """)
                .param("id", task.id()).param("org", task.orgId()).param("run", task.runId()).param("step", task.stepId())
                .param("item", task.itemIndex()).param("attempt", task.attempt()).param("kind", task.kind())
                .param("taskType", task.taskType()).param("runsOn", task.runsOn().toArray(String[]::new))
                .param("input", json.writeValueAsString(task.input())).param("timeout", task.timeoutMs()).param("held", held)
                .param("ready", ts(task.readyAt())).param("now", ts(now))
                .update();
    }

    /** The task inserted already leased to {@code eager}'s owner (as a claim would lease it), or null when it was a duplicate. */
    private TaskRow insertLeased(TaskRow task, Instant now, Eager eager) {
        return jdbc.sql(RUN_FACTS + """
                insert into tasks (id, org_id, run_id, step_id, item_index, attempt, kind, task_type, runs_on, input, timeout_ms, held,
                                   ready_at, created_at, project_id, runner_id, runner_version, lease_owner, lease_token, lease_expires_at,
                                   claimed_at)
                values (:id, :org, :run, :step, :item, :attempt, :kind, :taskType, :runsOn, cast(:input as jsonb), :timeout, false,
                        :ready, :now, (select project_id from run), (select runner_id from run), (select runner_version from run),
                        :owner, nextval('lease_tokens'), :expires, :now)
                on conflict (run_id, step_id, item_index) do nothing
                returning *
                """)
                .param("id", task.id()).param("org", task.orgId()).param("run", task.runId()).param("step", task.stepId())
                .param("item", task.itemIndex()).param("attempt", task.attempt()).param("kind", task.kind())
                .param("taskType", task.taskType()).param("runsOn", task.runsOn().toArray(String[]::new))
                .param("input", json.writeValueAsString(task.input())).param("timeout", task.timeoutMs())
                .param("ready", ts(task.readyAt())).param("now", ts(now)).param("owner", eager.owner)
                .param("expires", ts(now.plus(eager.lease)))
                .query(this::row).optional().orElse(null);
    }

    /**
     * Eager dispatch: while {@code work} runs on this thread (a completion, in its own transaction),
     * every task it enqueues that this process could claim at once (a local kind, no labels, ready
     * now, not held) and for which a permit is free is inserted already leased to {@code owner}: no
     * claim and no wake-up between a step and its successor. Returns those tasks once {@code work}
     * has returned, that is after its transaction committed, for the caller to execute; if it throws,
     * their rows were rolled back with it and their permits are given back.
     */
    List<TaskRow> eagerly(String owner, Duration lease, Set<String> kinds, Semaphore permits, Runnable work) {
        Eager eager = new Eager(owner, lease, kinds, permits);
        Eager outer = EAGER.get();
        EAGER.set(eager);
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            permits.release(eager.leased.size());
            throw e;
        } finally {
            EAGER.set(outer);
        }
        return eager.leased;
    }

    private static final ThreadLocal<Eager> EAGER = new ThreadLocal<>();

    /** The eager-dispatch scope of one completion (see {@link #eagerly}); each leased task holds one of {@code permits}. */
    private static final class Eager {
        final String owner;
        final Duration lease;
        final Set<String> kinds;
        final Semaphore permits;
        final List<TaskRow> leased = new ArrayList<>();

        Eager(String owner, Duration lease, Set<String> kinds, Semaphore permits) {
            this.owner = owner;
            this.lease = lease;
            this.kinds = kinds;
            this.permits = permits;
        }

        boolean wants(TaskRow task, Instant now) {
            return kinds.contains(task.kind()) && task.runsOn().isEmpty() && !task.readyAt().isAfter(now) && permits.tryAcquire();
        }
    }

    /**
     * Claims up to {@code max} ready tasks of these kinds that need no remote labels, for this process,
     * of no organization in {@code saturated} (those holding all the executor slots they may here).
     */
    List<TaskRow> claimLocal(String owner, Collection<String> kinds, int max, Duration lease, Instant now, UUID[] saturated) {
        // A claim lost in a database crash is harmless (the task is simply claimable again), so it
        // does not wait for its WAL flush: one fsync less per step.
        return tx.execute(status -> {
            jdbc.sql("set local synchronous_commit to off").update();
            return claimLocalStatement(owner, kinds, max, lease, now, saturated);
        });
    }

    private List<TaskRow> claimLocalStatement(String owner, Collection<String> kinds, int max, Duration lease, Instant now, UUID[] saturated) {
        return jdbc.sql("""
                with picked as (
                    select id from tasks
                    where lease_owner is null and not held and runs_on = '{}' and kind <> 'task'
                      and ready_at <= :now and kind = any(:kinds) and org_id <> all(:saturated)
                    order by ready_at
                    limit :max
                    for update skip locked
                )
                update tasks t set lease_owner = :owner, lease_token = nextval('lease_tokens'), lease_expires_at = :expires, claimed_at = :now
                from picked where t.id = picked.id
                returning t.*
                """)
                .param("now", ts(now)).param("kinds", kinds.toArray(String[]::new)).param("max", max).param("owner", owner)
                .param("expires", ts(now.plus(lease))).param("saturated", saturated)
                .query(this::row).list();
    }

    /** Hands claimed tasks back unstarted (their organization had no slot left on this process). */
    void unclaim(String owner, Collection<UUID> ids) {
        jdbc.sql("""
                update tasks set lease_owner = null, lease_token = null, lease_expires_at = null, claimed_at = null
                where lease_owner = :owner and id = any(:ids)
                """).param("owner", owner).param("ids", ids.toArray(UUID[]::new)).update();
    }

    /**
     * Claims for a remote worker: tasks whose {@code runs_on} labels the worker has, whose task
     * type it handles, and that are meant for workers ({@code task} steps or labelled steps), limited to one organization and to the projects of the worker's key: a
     * worker key only ever sees its own organization's work, and a key limited to projects only
     * the tasks of runs in them (a run in no project is for keys of all projects).
     */
    public List<TaskRow> claimRemote(java.util.UUID orgId, ProjectScope scope, String owner, Collection<String> labels,
            Collection<String> taskTypes, int max, Duration lease, Instant now) {
        return jdbc.sql("""
                with picked as (
                    select id from tasks
                    where lease_owner is null and not held and ready_at <= :now and org_id = :org
                      and (kind = 'task' or runs_on <> '{}')
                      and task_type = any(:types) and runs_on <@ cast(:labels as text[])
                      and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
                    order by ready_at
                    limit :max
                    for update skip locked
                )
                update tasks t set lease_owner = :owner, lease_token = nextval('lease_tokens'), lease_expires_at = :expires, claimed_at = :now
                from picked where t.id = picked.id
                returning t.*
                """)
                .param("now", ts(now)).param("org", orgId).param("projects", scope.sqlArray()).param("types", taskTypes.toArray(String[]::new))
                .param("labels", labels.toArray(String[]::new)).param("max", max).param("owner", owner)
                .param("expires", ts(now.plus(lease)))
                .query(this::row).list();
    }

    /** The task, if it still exists and {@code token} is its current lease. */
    Optional<TaskRow> leased(UUID taskId, long token) {
        return jdbc.sql("select * from tasks where id = :id and lease_token = :token").param("id", taskId).param("token", token)
                .query(this::row).optional();
    }

    /** When the task was last claimed, if it is still in the queue and claimed. */
    Optional<Instant> claimedAt(UUID taskId) {
        return jdbc.sql("select claimed_at from tasks where id = :id").param("id", taskId).query((rs, n) -> instant(rs.getTimestamp(1)))
                .optional().filter(java.util.Objects::nonNull);
    }

    Optional<TaskRow> find(UUID taskId) {
        return jdbc.sql("select * from tasks where id = :id").param("id", taskId).query(this::row).optional();
    }

    /** Deletes the task if {@code token} still holds its lease; false means the lease was lost. */
    boolean release(UUID taskId, long token) {
        return jdbc.sql("delete from tasks where id = :id and lease_token = :token").param("id", taskId).param("token", token).update() == 1;
    }

    /** Extends the leases this owner still holds; returns the ids it still holds. */
    List<UUID> extend(String owner, Collection<UUID> ids, Duration lease, Instant now) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("update tasks set lease_expires_at = :expires where lease_owner = :owner and id = any(:ids) returning id")
                .param("expires", ts(now.plus(lease))).param("owner", owner).param("ids", ids.toArray(UUID[]::new))
                .query(UUID.class).list();
    }

    /** One task's lease extended, if {@code token} still holds it. */
    public Optional<Instant> extend(UUID taskId, long token, Duration lease, Instant now) {
        int n = jdbc.sql("update tasks set lease_expires_at = :expires where id = :id and lease_token = :token")
                .param("expires", ts(now.plus(lease))).param("id", taskId).param("token", token).update();
        return n == 1 ? Optional.of(now.plus(lease)) : Optional.empty();
    }

    List<TaskRow> expired(Instant now, int max) {
        return jdbc.sql("select * from tasks where lease_owner is not null and lease_expires_at < :now order by lease_expires_at limit :max")
                .param("now", ts(now)).param("max", max).query(this::row).list();
    }

    /** The earliest time a currently unclaimable task (of an organization not in {@code saturated}) becomes ready, to sleep until then. */
    Optional<Instant> nextReadyAt(UUID[] saturated) {
        return jdbc.sql("select min(ready_at) from tasks where lease_owner is null and not held and org_id <> all(:saturated)")
                .param("saturated", saturated).query((rs, n) -> instant(rs.getTimestamp(1))).optional().filter(java.util.Objects::nonNull);
    }

    void deleteForRun(UUID runId) {
        jdbc.sql("delete from tasks where run_id = :run").param("run", runId).update();
    }

    void deleteUnclaimedForRun(UUID runId) {
        jdbc.sql("delete from tasks where run_id = :run and lease_owner is null").param("run", runId).update();
    }

    void deleteForStep(UUID runId, String stepId) {
        jdbc.sql("delete from tasks where run_id = :run and step_id = :step").param("run", runId).param("step", stepId).update();
    }

    void hold(UUID runId, boolean held) {
        jdbc.sql("update tasks set held = :held where run_id = :run").param("held", held).param("run", runId).update();
    }

    private TaskRow row(ResultSet rs, int n) throws SQLException {
        Array runsOn = rs.getArray("runs_on");
        Long token = rs.getObject("lease_token") == null ? null : rs.getLong("lease_token");
        Long timeout = rs.getObject("timeout_ms") == null ? null : rs.getLong("timeout_ms");
        return new TaskRow(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("run_id", UUID.class),
                rs.getString("step_id"), rs.getInt("item_index"), rs.getInt("attempt"), rs.getString("kind"), rs.getString("task_type"),
                runsOn == null ? List.of() : Arrays.asList((String[]) runsOn.getArray()), json.readTree(rs.getString("input")), timeout,
                instant(rs.getTimestamp("ready_at")), rs.getString("lease_owner"), token, instant(rs.getTimestamp("lease_expires_at")),
                rs.getObject("project_id", UUID.class), rs.getObject("runner_id", UUID.class), rs.getInt("runner_version"));
    }
}

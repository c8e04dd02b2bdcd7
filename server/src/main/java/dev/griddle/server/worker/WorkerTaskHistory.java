package dev.griddle.server.worker;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.TaskRow;
import dev.griddle.server.web.PageQuery;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What each worker claimed and how it ended ({@code worker_tasks}). A {@code running} row whose
 * lease no longer exists in the queue (it expired and was reaped) reads as {@code lost}.
 */
@Repository
class WorkerTaskHistory {

    /** One claimed attempt, as {@code GET /workers/{id}/tasks} shows it. */
    record Entry(UUID id, UUID runId, String stepId, Integer itemIndex, String taskType, int attempt, String status, JsonNode error,
            Instant claimedAt, Instant finishedAt) {
    }

    static final List<String> STATUSES = List.of("running", "completed", "failed", "lost", "dropped");

    private static final String SELECT = """
            select h.*, case when h.status = 'running'
                             and not exists (select 1 from tasks t where t.id = h.task_id and t.lease_token = h.lease_token)
                        then 'lost' else h.status end as effective
            from worker_tasks h
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final WorkerProperties props;
    private final Clock clock;

    WorkerTaskHistory(JdbcClient jdbc, JsonMapper json, WorkerProperties props, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.props = props;
        this.clock = clock;
    }

    void claimed(UUID workerId, TaskRow task, Instant now) {
        jdbc.sql("""
                insert into worker_tasks (task_id, org_id, worker_id, run_id, step_id, item_index, task_type, attempt, lease_token, status,
                                          claimed_at)
                values (:task, :org, :worker, :run, :step, :item, :type, :attempt, :token, 'running', :now)
                """)
                .param("task", task.id()).param("org", task.orgId()).param("worker", workerId).param("run", task.runId())
                .param("step", task.stepId()).param("item", task.itemIndex()).param("type", task.taskType())
                .param("attempt", task.attempt()).param("token", task.leaseToken()).param("now", ts(now)).update();
    }

    /** Records how a claimed attempt ended: completed, failed, or dropped (never started). */
    void finished(UUID taskId, String status, JsonNode error, Instant now) {
        jdbc.sql("update worker_tasks set status = :status, error = cast(:error as jsonb), finished_at = :now where task_id = :task")
                .param("status", status).param("error", error == null ? null : json.writeValueAsString(error)).param("now", ts(now))
                .param("task", taskId).update();
    }

    /** Whether this organization's workers ever claimed the task within the scope: tells a lost lease (409) from a stranger's id (404). */
    boolean known(UUID orgId, ProjectScope scope, UUID taskId) {
        return jdbc.sql("select 1 from worker_tasks h where h.org_id = :org and h.task_id = :task" + IN_SCOPE).param("org", orgId)
                .param("task", taskId).param("projects", scope.sqlArray()).query(Integer.class).optional().isPresent();
    }

    /** A key limited to projects sees only the history of those projects' runs (a gone run's rows are for keys of all projects). */
    private static final String IN_SCOPE = """
             and (cast(:projects as uuid[]) is null
                  or exists (select 1 from runs r where r.id = h.run_id and r.project_id = any(cast(:projects as uuid[]))))
            """;

    List<Entry> list(UUID orgId, ProjectScope scope, UUID workerId, String status, PageQuery page) {
        return jdbc.sql("select * from (" + SELECT + " where h.org_id = :org and h.worker_id = :worker" + IN_SCOPE + ") v"
                        + (status == null ? "" : " where effective = :status") + " order by claimed_at desc limit :limit offset :offset")
                .param("org", orgId).param("worker", workerId).param("status", status).param("projects", scope.sqlArray())
                .param("limit", page.perPage())
                .param("offset", page.offset())
                .query((rs, n) -> new Entry(rs.getObject("task_id", UUID.class), rs.getObject("run_id", UUID.class), rs.getString("step_id"),
                        rs.getInt("item_index") < 0 ? null : rs.getInt("item_index"), rs.getString("task_type"), rs.getInt("attempt"),
                        rs.getString("effective"), rs.getString("error") == null ? null : json.readTree(rs.getString("error")),
                        instant(rs.getTimestamp("claimed_at")), instant(rs.getTimestamp("finished_at"))))
                .list();
    }

    long count(UUID orgId, ProjectScope scope, UUID workerId, String status) {
        return jdbc.sql("select count(*) from (" + SELECT + " where h.org_id = :org and h.worker_id = :worker" + IN_SCOPE + ") v"
                        + (status == null ? "" : " where effective = :status"))
                .param("org", orgId).param("worker", workerId).param("status", status).param("projects", scope.sqlArray())
                .query(Long.class).single();
    }

    /** Keeps the history small: rows claimed longer ago than the retention go (finished or lost). */
    @Scheduled(fixedDelay = 3_600_000, initialDelay = 60_000)
    void prune() {
        jdbc.sql("delete from worker_tasks where claimed_at < :cutoff")
                .param("cutoff", ts(clock.instant().minus(props.historyRetention()))).update();
    }
}

package dev.griddle.server.engine;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SQL that writes {@code runs} and locks a run; reading them is {@link RunReader}'s. */
@Repository
class RunStore {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RowMapper<RunRow> rowMapper;

    RunStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.rowMapper = this::row;
    }

    void insert(RunRow run) {
        jdbc.sql("""
                insert into runs (id, org_id, runner_id, runner_version, project_id, status, input, step_overrides, trigger_type,
                                  trigger_id, parent_run_id, parent_step_id, created_at)
                values (:id, :org, :runner, :version, :project, :status, cast(:input as jsonb), cast(:overrides as jsonb), :triggerType,
                        :triggerId, :parent, :parentStep, :now)
                """)
                .param("id", run.id()).param("org", run.orgId()).param("runner", run.runnerId()).param("version", run.runnerVersion())
                .param("project", run.projectId()).param("status", run.status().wire()).param("input", json.writeValueAsString(run.input()))
                .param("overrides", run.stepOverrides() == null ? null : json.writeValueAsString(run.stepOverrides()))
                .param("triggerType", run.triggerType()).param("triggerId", run.triggerId()).param("parent", run.parentRunId())
                .param("parentStep", run.parentStepId()).param("now", ts(run.createdAt()))
                .update();
    }

    /** This transaction commits without waiting for the WAL flush (see {@code RunTransactions.inRun}). */
    void relaxCommit() {
        jdbc.sql("set local synchronous_commit to off").update();
    }

    /** Locks the run's row for the rest of the transaction: every change to a run is serialised here. */
    Optional<RunRow> lock(UUID runId) {
        return jdbc.sql("select * from runs where id = :id for no key update").param("id", runId).query(rowMapper).optional();
    }

    /** Writes the mutable columns back after a transition. */
    void save(RunTx run) {
        jdbc.sql("""
                update runs set status = :status, output = cast(:output as jsonb), error = cast(:error as jsonb), cancel_mode = :cancel,
                       event_seq = :seq, started_at = :started, finished_at = :finished,
                       cost_usd = :cost, input_tokens = :inTokens, output_tokens = :outTokens
                where id = :id
                """)
                .param("cost", run.costUsd()).param("inTokens", run.inputTokens()).param("outTokens", run.outputTokens())
                .param("status", run.status().wire()).param("output", write(run.output())).param("error", write(run.error()))
                .param("cancel", run.cancelMode()).param("seq", run.eventSeq()).param("started", ts(run.startedAt()))
                .param("finished", ts(run.finishedAt())).param("id", run.id())
                .update();
    }

    /** Issue #5: raises a run's budget allowance (what {@code resume {add_budget_usd}} adds). */
    void addBudget(UUID runId, java.math.BigDecimal usd) {
        jdbc.sql("update runs set budget_extra_usd = budget_extra_usd + :usd where id = :id").param("usd", usd).param("id", runId).update();
    }

    /** Unfinished child runs of a parent (of one of its steps, when {@code stepId} is given). */
    List<UUID> activeChildren(UUID parentRunId, String stepId) {
        return jdbc.sql("""
                select id from runs where parent_run_id = :parent and finished_at is null
                  and (cast(:step as text) is null or parent_step_id = :step)
                """).param("parent", parentRunId).param("step", stepId).query(UUID.class).list();
    }

    /** Finished runs older than the cutoff: their events and step outputs may be pruned. */
    int pruneFinishedBefore(Instant cutoff) {
        int events = jdbc.sql("delete from events e using runs r where e.run_id = r.id and r.finished_at < :cutoff")
                .param("cutoff", ts(cutoff)).update();
        jdbc.sql("""
                update step_runs s set output = null from runs r
                where s.run_id = r.id and r.finished_at < :cutoff and s.output is not null
                """).param("cutoff", ts(cutoff)).update();
        jdbc.sql("delete from step_items i using runs r where i.run_id = r.id and r.finished_at < :cutoff").param("cutoff", ts(cutoff)).update();
        return events;
    }

    private String write(JsonNode node) {
        return node == null ? null : json.writeValueAsString(node);
    }

    JsonNode read(String text) {
        return text == null ? null : json.readTree(text);
    }

    /** Maps a {@code select * from runs} row. */
    RowMapper<RunRow> rows() {
        return rowMapper;
    }

    private RunRow row(ResultSet rs, int n) throws SQLException {
        return new RunRow(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("runner_id", UUID.class),
                rs.getInt("runner_version"), rs.getObject("project_id", UUID.class), RunStatus.fromWire(rs.getString("status")),
                read(rs.getString("input")), read(rs.getString("output")), read(rs.getString("error")), read(rs.getString("step_overrides")),
                rs.getString("trigger_type"), rs.getObject("trigger_id", UUID.class), rs.getObject("parent_run_id", UUID.class),
                rs.getString("parent_step_id"), rs.getString("cancel_mode"), rs.getBigDecimal("cost_usd"), rs.getLong("input_tokens"),
                rs.getLong("output_tokens"), rs.getLong("event_seq"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("finished_at")));
    }

}

package dev.griddle.server.experiment;

import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.store.Sql;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SQL for {@code experiments} and {@code experiment_cases}, including the lease that lets one node at a time advance an experiment. */
@Repository
class ExperimentStore {

    record Experiment(UUID id, UUID orgId, UUID projectId, UUID datasetId, UUID runnerId, int version, Integer baselineVersion, String mode,
            JsonNode evaluators, BigDecimal maxCostUsd, int maxParallel, String status, String error, BigDecimal gateMinPassRate, Instant createdAt,
            Instant startedAt, Instant finishedAt) {

        boolean terminal() {
            return !status.equals("queued") && !status.equals("running");
        }
    }

    /** A case of an experiment: a snapshot of the dataset case, and what its runs gave. {@code status}: pending, running, done, skipped, cancelled. */
    record ExpCase(UUID caseId, long position, JsonNode input, JsonNode expected, boolean recorded, String status, UUID runId, String runStatus,
            UUID baselineRunId, JsonNode output, JsonNode baselineOutput, JsonNode diff, JsonNode evaluations, JsonNode baselineEvaluations,
            Boolean passed, Boolean baselinePassed, BigDecimal costUsd, Long durationMs, Long tokens, BigDecimal baselineCostUsd, Long baselineDurationMs,
            Long baselineTokens, BigDecimal evaluationCostUsd) {
    }

    /** What a finished case gave. */
    record Finished(String runStatus, JsonNode output, JsonNode baselineOutput, JsonNode diff, JsonNode evaluations, JsonNode baselineEvaluations,
            boolean passed, Boolean baselinePassed, BigDecimal costUsd, Long durationMs, Long tokens, BigDecimal baselineCostUsd, Long baselineDurationMs,
            Long baselineTokens, BigDecimal evaluationCostUsd) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ExperimentStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(Experiment e) {
        jdbc.sql("""
                insert into experiments (id, org_id, project_id, dataset_id, runner_id, version, baseline_version, mode, evaluators, max_cost_usd,
                                         max_parallel, status, gate_min_pass_rate, created_at)
                values (:id, :org, :project, :dataset, :runner, :version, :baseline, :mode, cast(:evaluators as jsonb), :maxCost, :parallel, 'queued',
                        :gate, :now)""")
                .param("id", e.id()).param("org", e.orgId()).param("project", e.projectId()).param("dataset", e.datasetId())
                .param("runner", e.runnerId()).param("version", e.version()).param("baseline", e.baselineVersion()).param("mode", e.mode())
                .param("evaluators", json.writeValueAsString(e.evaluators())).param("maxCost", e.maxCostUsd()).param("parallel", e.maxParallel())
                .param("gate", e.gateMinPassRate()).param("now", ts(e.createdAt())).update();
    }

    /** Snapshots a dataset case into the experiment, with the case's recorded figures as its baseline's when it has an expected output. */
    void insertCase(UUID experimentId, DatasetStore.Case c) {
        boolean baseline = c.expected() != null;
        jdbc.sql("""
                insert into experiment_cases (experiment_id, case_id, position, input, expected, recorded, status, baseline_cost_usd,
                                              baseline_duration_ms, baseline_tokens)
                values (:experiment, :case, :position, cast(:input as jsonb), cast(:expected as jsonb), :recorded, 'pending', :cost, :duration, :tokens)""")
                .param("experiment", experimentId).param("case", c.id()).param("position", c.position()).param("input", json.writeValueAsString(c.input()))
                .param("expected", baseline ? json.writeValueAsString(c.expected()) : null).param("recorded", c.recordedCalls() > 0)
                .param("cost", baseline ? c.costUsd() : null).param("duration", baseline ? c.durationMs() : null).param("tokens", baseline ? c.tokens() : null)
                .update();
    }

    Optional<Experiment> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from experiments where org_id = :org and id = :id").param("org", orgId).param("id", id).query(this::experiment)
                .optional();
    }

    Optional<Experiment> byId(UUID id) {
        return jdbc.sql("select * from experiments where id = :id").param("id", id).query(this::experiment).optional();
    }

    /** The experiment row locked for this transaction: starting a case run and cancelling take it, so neither misses the other. */
    Optional<Experiment> lock(UUID id) {
        return jdbc.sql("select * from experiments where id = :id for update").param("id", id).query(this::experiment).optional();
    }

    List<Experiment> list(UUID orgId, List<UUID> projects, UUID runnerId, UUID datasetId, int limit, long offset) {
        return jdbc.sql("""
                select * from experiments where org_id = :org and (cast(:all as boolean) or project_id = any(cast(:projects as uuid[])))
                  and (cast(:runner as uuid) is null or runner_id = :runner) and (cast(:dataset as uuid) is null or dataset_id = :dataset)
                order by created_at desc, id limit :limit offset :offset""")
                .param("org", orgId).param("all", projects == null).param("projects", projects == null ? new UUID[0] : projects.toArray(UUID[]::new))
                .param("runner", runnerId).param("dataset", datasetId).param("limit", limit).param("offset", offset).query(this::experiment).list();
    }

    long count(UUID orgId, List<UUID> projects, UUID runnerId, UUID datasetId) {
        return jdbc.sql("""
                select count(*) from experiments where org_id = :org and (cast(:all as boolean) or project_id = any(cast(:projects as uuid[])))
                  and (cast(:runner as uuid) is null or runner_id = :runner) and (cast(:dataset as uuid) is null or dataset_id = :dataset)""")
                .param("org", orgId).param("all", projects == null).param("projects", projects == null ? new UUID[0] : projects.toArray(UUID[]::new))
                .param("runner", runnerId).param("dataset", datasetId).query(Long.class).single();
    }

    List<ExpCase> cases(UUID experimentId) {
        return jdbc.sql("select * from experiment_cases where experiment_id = :id order by position").param("id", experimentId).query(this::expCase)
                .list();
    }

    /**
     * Leases up to {@code limit} live experiments whose lease is free or expired to {@code owner}, in
     * one statement: a node skips rows another node is leasing right now.
     */
    List<UUID> claim(UUID owner, Instant now, Instant until, int limit) {
        return jdbc.sql("""
                with due as (select id from experiments where status in ('queued', 'running') and (lease_until is null or lease_until < :now)
                             order by created_at limit :limit for update skip locked)
                update experiments e set lease_owner = :owner, lease_until = :until from due where e.id = due.id returning e.id""")
                .param("now", ts(now)).param("limit", limit).param("owner", owner).param("until", ts(until)).query(UUID.class).list();
    }

    void release(UUID id, UUID owner) {
        jdbc.sql("update experiments set lease_owner = null, lease_until = null where id = :id and lease_owner = :owner")
                .param("id", id).param("owner", owner).update();
    }

    void markRunning(UUID id, Instant now) {
        jdbc.sql("update experiments set status = 'running', started_at = :now where id = :id and status = 'queued'").param("id", id)
                .param("now", ts(now)).update();
    }

    /** Ends a live experiment; false when it had ended already (cancelled meanwhile). */
    boolean finish(UUID id, String status, String error, Instant now) {
        return jdbc.sql("""
                update experiments set status = :status, error = :error, finished_at = :now, lease_owner = null, lease_until = null
                where id = :id and status in ('queued', 'running')""")
                .param("id", id).param("status", status).param("error", error).param("now", ts(now)).update() == 1;
    }

    void caseStarted(UUID experimentId, UUID caseId, UUID runId, UUID baselineRunId) {
        jdbc.sql("update experiment_cases set status = 'running', run_id = :run, baseline_run_id = :baseline where experiment_id = :e and case_id = :c")
                .param("run", runId).param("baseline", baselineRunId).param("e", experimentId).param("c", caseId).update();
    }

    void caseEnded(UUID experimentId, UUID caseId, String status) {
        jdbc.sql("update experiment_cases set status = :status where experiment_id = :e and case_id = :c and status in ('pending', 'running')")
                .param("status", status).param("e", experimentId).param("c", caseId).update();
    }

    void caseFinished(UUID experimentId, UUID caseId, Finished f) {
        jdbc.sql("""
                update experiment_cases set status = 'done', run_status = :runStatus, output = cast(:output as jsonb),
                    baseline_output = cast(:baselineOutput as jsonb), diff = cast(:diff as jsonb), evaluations = cast(:evaluations as jsonb),
                    baseline_evaluations = cast(:baselineEvaluations as jsonb), passed = :passed, baseline_passed = :baselinePassed, cost_usd = :cost,
                    duration_ms = :duration, tokens = :tokens, baseline_cost_usd = :baselineCost, baseline_duration_ms = :baselineDuration,
                    baseline_tokens = :baselineTokens, evaluation_cost_usd = :evaluationCost
                where experiment_id = :e and case_id = :c and status = 'running'""")
                .param("runStatus", f.runStatus()).param("output", write(f.output())).param("baselineOutput", write(f.baselineOutput()))
                .param("diff", write(f.diff())).param("evaluations", write(f.evaluations())).param("baselineEvaluations", write(f.baselineEvaluations()))
                .param("passed", f.passed()).param("baselinePassed", f.baselinePassed()).param("cost", f.costUsd()).param("duration", f.durationMs())
                .param("tokens", f.tokens()).param("baselineCost", f.baselineCostUsd()).param("baselineDuration", f.baselineDurationMs())
                .param("baselineTokens", f.baselineTokens()).param("evaluationCost", f.evaluationCostUsd()).param("e", experimentId).param("c", caseId)
                .update();
    }

    /** What the experiment has spent: its runs (and their child runs' costs are in the parents') plus its judges. */
    BigDecimal spent(UUID orgId, UUID experimentId) {
        return jdbc.sql("""
                select coalesce((select sum(cost_usd) from runs where org_id = :org and trigger_type = 'experiment' and trigger_id = :id), 0)
                     + coalesce((select sum(evaluation_cost_usd) from experiment_cases where experiment_id = :id), 0)""")
                .param("org", orgId).param("id", experimentId).query(BigDecimal.class).single();
    }

    private String write(JsonNode node) {
        return node == null ? null : json.writeValueAsString(node);
    }

    private JsonNode read(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : json.readTree(s);
    }

    private Experiment experiment(ResultSet rs, int n) throws SQLException {
        return new Experiment(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("project_id", UUID.class),
                rs.getObject("dataset_id", UUID.class), rs.getObject("runner_id", UUID.class), rs.getInt("version"),
                rs.getObject("baseline_version", Integer.class), rs.getString("mode"), read(rs, "evaluators"), rs.getBigDecimal("max_cost_usd"),
                rs.getInt("max_parallel"), rs.getString("status"), rs.getString("error"), rs.getBigDecimal("gate_min_pass_rate"),
                Sql.instant(rs.getTimestamp("created_at")), Sql.instant(rs.getTimestamp("started_at")), Sql.instant(rs.getTimestamp("finished_at")));
    }

    private ExpCase expCase(ResultSet rs, int n) throws SQLException {
        return new ExpCase(rs.getObject("case_id", UUID.class), rs.getLong("position"), read(rs, "input"), read(rs, "expected"), rs.getBoolean("recorded"),
                rs.getString("status"), rs.getObject("run_id", UUID.class), rs.getString("run_status"), rs.getObject("baseline_run_id", UUID.class),
                read(rs, "output"), read(rs, "baseline_output"), read(rs, "diff"), read(rs, "evaluations"), read(rs, "baseline_evaluations"),
                rs.getObject("passed", Boolean.class), rs.getObject("baseline_passed", Boolean.class), rs.getBigDecimal("cost_usd"),
                rs.getObject("duration_ms", Long.class), rs.getObject("tokens", Long.class), rs.getBigDecimal("baseline_cost_usd"),
                rs.getObject("baseline_duration_ms", Long.class), rs.getObject("baseline_tokens", Long.class), rs.getBigDecimal("evaluation_cost_usd"));
    }
}

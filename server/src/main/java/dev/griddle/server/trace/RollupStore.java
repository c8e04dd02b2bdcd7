package dev.griddle.server.trace;

import static dev.griddle.server.store.Sql.ts;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Adds a batch's {@link Usage} to the hourly rollup tables (insert, or add to the existing row). */
@Repository
class RollupStore {

    private final JdbcClient jdbc;

    RollupStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void add(Usage usage) {
        usage.runs.forEach((cell, r) -> cell(jdbc.sql("""
                insert into run_rollups (org_id, hour, runner_id, project_id, runs, succeeded, failed, cancelled, steps, retrievals, input_tokens,
                                         output_tokens, cost_usd)
                values (:org, :hour, :runner, :project, :runs, :succeeded, :failed, :cancelled, :steps, :retrievals, :in, :out, :cost)
                on conflict (org_id, hour, runner_id, project_id) do update set
                    runs = run_rollups.runs + excluded.runs, succeeded = run_rollups.succeeded + excluded.succeeded,
                    failed = run_rollups.failed + excluded.failed, cancelled = run_rollups.cancelled + excluded.cancelled,
                    steps = run_rollups.steps + excluded.steps, retrievals = run_rollups.retrievals + excluded.retrievals,
                    input_tokens = run_rollups.input_tokens + excluded.input_tokens,
                    output_tokens = run_rollups.output_tokens + excluded.output_tokens, cost_usd = run_rollups.cost_usd + excluded.cost_usd
                """), cell).param("runs", r.runs).param("succeeded", r.succeeded).param("failed", r.failed).param("cancelled", r.cancelled)
                .param("steps", r.steps).param("retrievals", r.retrievals).param("in", r.inputTokens).param("out", r.outputTokens).param("cost", r.costUsd).update());
        usage.durations.forEach((cell, buckets) -> buckets.forEach((bucket, n) -> cell(jdbc.sql("""
                insert into duration_rollups (org_id, hour, runner_id, project_id, bucket, runs)
                values (:org, :hour, :runner, :project, :bucket, :runs)
                on conflict (org_id, hour, runner_id, project_id, bucket) do update set runs = duration_rollups.runs + excluded.runs
                """), cell).param("bucket", bucket.shortValue()).param("runs", n).update()));
        usage.steps.forEach((cell, types) -> types.forEach((type, s) -> cell(jdbc.sql("""
                insert into step_rollups (org_id, hour, runner_id, project_id, step_type, attempts, failed, duration_ms)
                values (:org, :hour, :runner, :project, :type, :attempts, :failed, :ms)
                on conflict (org_id, hour, runner_id, project_id, step_type) do update set
                    attempts = step_rollups.attempts + excluded.attempts, failed = step_rollups.failed + excluded.failed,
                    duration_ms = step_rollups.duration_ms + excluded.duration_ms
                """), cell).param("type", type).param("attempts", s.attempts).param("failed", s.failed).param("ms", s.durationMs).update()));
        usage.models.forEach((cell, models) -> models.forEach((model, m) -> cell(jdbc.sql("""
                insert into model_rollups (org_id, hour, runner_id, project_id, model, calls, input_tokens, output_tokens, cost_usd)
                values (:org, :hour, :runner, :project, :model, :calls, :in, :out, :cost)
                on conflict (org_id, hour, runner_id, project_id, model) do update set
                    calls = model_rollups.calls + excluded.calls, input_tokens = model_rollups.input_tokens + excluded.input_tokens,
                    output_tokens = model_rollups.output_tokens + excluded.output_tokens, cost_usd = model_rollups.cost_usd + excluded.cost_usd
                """), cell).param("model", model).param("calls", m.calls).param("in", m.inputTokens).param("out", m.outputTokens)
                .param("cost", m.costUsd).update()));
        usage.triggers.forEach((cell, triggers) -> triggers.forEach((trigger, r) -> cell(jdbc.sql("""
                insert into trigger_rollups (org_id, hour, runner_id, project_id, trigger_type, runs, succeeded, failed, cancelled, cost_usd)
                values (:org, :hour, :runner, :project, :trigger, :runs, :succeeded, :failed, :cancelled, :cost)
                on conflict (org_id, hour, runner_id, project_id, trigger_type) do update set
                    runs = trigger_rollups.runs + excluded.runs, succeeded = trigger_rollups.succeeded + excluded.succeeded,
                    failed = trigger_rollups.failed + excluded.failed, cancelled = trigger_rollups.cancelled + excluded.cancelled,
                    cost_usd = trigger_rollups.cost_usd + excluded.cost_usd
                """), cell).param("trigger", trigger).param("runs", r.runs).param("succeeded", r.succeeded).param("failed", r.failed)
                .param("cancelled", r.cancelled).param("cost", r.costUsd).update()));
    }

    private static JdbcClient.StatementSpec cell(JdbcClient.StatementSpec spec, Usage.Cell cell) {
        return spec.param("org", cell.orgId()).param("hour", ts(cell.hour())).param("runner", cell.runnerId()).param("project", cell.projectId());
    }
}

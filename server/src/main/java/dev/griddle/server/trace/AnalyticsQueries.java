package dev.griddle.server.trace;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.engine.RunRow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.stereotype.Component;

/**
 * Analytics over finished runs: the hourly rollups for everything the rollup job has handled, plus
 * the tail it has not reached yet (runs finished after its cursor), read from the engine's tables
 * and summed the same way. Both sides are bounded by hour: the cost does not grow with the number
 * of step rows, only with hours x runners x step types (and the short tail).
 */
@Component
class AnalyticsQueries {

    /** Which runs count: an organization, hours [from, to), optionally one runner, optionally some projects. */
    record Scope(UUID orgId, Instant from, Instant to, UUID runnerId, UUID[] projectIds) {
    }

    private static final String WHERE = """
            where org_id = :org and hour >= :from and hour < :to
              and (cast(:runner as uuid) is null or runner_id = :runner)
              and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
            """;

    private final JdbcClient jdbc;
    private final TraceCursors cursors;
    private final TraceReader reader;
    /**
     * The rollups and the tail are read in one snapshot: the rollup job adds a batch to the rollups
     * and moves its cursor in one transaction, so between two separate reads a batch could be in
     * neither (counted by no read) or, read the other way round, in both.
     */
    private final TransactionTemplate snapshot;

    AnalyticsQueries(JdbcClient jdbc, TraceCursors cursors, TraceReader reader, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.cursors = cursors;
        this.reader = reader;
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    /** Rolled-up and tail usage of the scope, summed over every dimension but the hour. */
    Totals totals(Scope scope) {
        return snapshot.execute(status -> totalsInSnapshot(scope));
    }

    private Totals totalsInSnapshot(Scope scope) {
        Totals t = new Totals();
        bind(jdbc.sql("""
                select hour, runner_id, sum(runs) runs, sum(succeeded) succeeded, sum(failed) failed, sum(cancelled) cancelled, sum(steps) steps,
                       sum(retrievals) retrievals, sum(input_tokens) input_tokens, sum(output_tokens) output_tokens, sum(cost_usd) cost_usd
                from run_rollups""" + "\n" + WHERE + " group by hour, runner_id"), scope).query((rs, n) -> {
                    Usage.Runs r = new Usage.Runs();
                    r.runs = rs.getLong("runs");
                    r.succeeded = rs.getLong("succeeded");
                    r.failed = rs.getLong("failed");
                    r.cancelled = rs.getLong("cancelled");
                    r.steps = rs.getLong("steps");
                    r.retrievals = rs.getLong("retrievals");
                    r.inputTokens = rs.getLong("input_tokens");
                    r.outputTokens = rs.getLong("output_tokens");
                    r.costUsd = rs.getBigDecimal("cost_usd");
                    Totals.sum(t.hours.computeIfAbsent(instant(rs.getTimestamp("hour")), h -> new Usage.Runs()), r);
                    Totals.sum(t.runners.computeIfAbsent(rs.getObject("runner_id", UUID.class), k -> new Usage.Runs()), r);
                    return null;
                }).list();
        bind(jdbc.sql("select runner_id, bucket, sum(runs) runs from duration_rollups\n" + WHERE + " group by runner_id, bucket"), scope)
                .query((rs, n) -> {
                    int bucket = rs.getShort("bucket");
                    long runs = rs.getLong("runs");
                    t.durations.merge(bucket, runs, Long::sum);
                    return t.runnerDurations.computeIfAbsent(rs.getObject("runner_id", UUID.class), k -> new TreeMap<>()).merge(bucket, runs, Long::sum);
                }).list();
        bind(jdbc.sql("select step_type, sum(attempts) attempts, sum(failed) failed, sum(duration_ms) duration_ms from step_rollups\n" + WHERE
                + " group by step_type"), scope).query((rs, n) -> {
                    Usage.Steps s = t.steps.computeIfAbsent(rs.getString("step_type"), k -> new Usage.Steps());
                    s.attempts += rs.getLong("attempts");
                    s.failed += rs.getLong("failed");
                    s.durationMs += rs.getLong("duration_ms");
                    return null;
                }).list();
        bind(jdbc.sql("""
                select model, sum(calls) calls, sum(input_tokens) input_tokens, sum(output_tokens) output_tokens, sum(cost_usd) cost_usd
                from model_rollups""" + "\n" + WHERE + " group by model"), scope).query((rs, n) -> {
                    Usage.Models m = t.models.computeIfAbsent(rs.getString("model"), k -> new Usage.Models());
                    m.calls += rs.getLong("calls");
                    m.inputTokens += rs.getLong("input_tokens");
                    m.outputTokens += rs.getLong("output_tokens");
                    m.costUsd = m.costUsd.add(rs.getBigDecimal("cost_usd"));
                    return null;
                }).list();
        bind(jdbc.sql("""
                select trigger_type, sum(runs) runs, sum(succeeded) succeeded, sum(failed) failed, sum(cancelled) cancelled, sum(cost_usd) cost_usd
                from trigger_rollups""" + "\n" + WHERE + " group by trigger_type"), scope).query((rs, n) -> {
                    Usage.Runs r = new Usage.Runs();
                    r.runs = rs.getLong("runs");
                    r.succeeded = rs.getLong("succeeded");
                    r.failed = rs.getLong("failed");
                    r.cancelled = rs.getLong("cancelled");
                    r.costUsd = rs.getBigDecimal("cost_usd");
                    Totals.sum(t.triggers.computeIfAbsent(rs.getString("trigger_type"), k -> new Usage.Runs()), r);
                    return null;
                }).list();
        t.add(tail(scope));
        return t;
    }

    /** The names of these runners of the organization, by id (a deleted runner has none). */
    Map<UUID, String> runnerNames(UUID orgId, java.util.Collection<UUID> ids) {
        Map<UUID, String> names = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return names;
        }
        jdbc.sql("select id, name from runners where org_id = :org and id = any(:ids)").param("org", orgId).param("ids", ids.toArray(UUID[]::new))
                .query((rs, n) -> names.put(rs.getObject("id", UUID.class), rs.getString("name"))).list();
        return names;
    }

    /** Runs not finished yet, right now (no window). */
    long live(Scope scope) {
        return jdbc.sql("""
                select count(*) from runs where org_id = :org and finished_at is null
                  and (cast(:runner as uuid) is null or runner_id = :runner)
                  and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
                """).param("org", scope.orgId()).param("runner", scope.runnerId()).param("projects", scope.projectIds())
                .query(Long.class).single();
    }

    /** The runs of the scope the rollup job has not reached, as usage. */
    private Usage tail(Scope scope) {
        TraceCursors.Position cursor = cursors.read(RollupJob.ROLLUP).orElse(new TraceCursors.Position(Instant.EPOCH, TraceCursors.ZERO));
        List<RunRow> runs = jdbc.sql("""
                select * from runs
                where org_id = :org and finished_at is not null and (finished_at, id) > (:at, :id)
                  and finished_at >= :from and finished_at < :to
                  and (cast(:runner as uuid) is null or runner_id = :runner)
                  and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
                """).param("org", scope.orgId()).param("at", ts(cursor.at())).param("id", cursor.runId()).param("from", ts(scope.from()))
                .param("to", ts(scope.to())).param("runner", scope.runnerId()).param("projects", scope.projectIds())
                .query(reader::run).list();
        Usage usage = new Usage();
        Map<UUID, List<Span>> trees = reader.spans(runs);
        for (RunRow run : runs) {
            usage.add(run, trees.get(run.id()), null, null);
        }
        return usage;
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec, Scope scope) {
        return spec.param("org", scope.orgId()).param("from", ts(scope.from())).param("to", ts(scope.to())).param("runner", scope.runnerId())
                .param("projects", scope.projectIds());
    }

    /** Usage of a scope: per hour for time series, per step type, model and duration bucket for the summary. */
    static final class Totals {
        final SortedMap<Instant, Usage.Runs> hours = new TreeMap<>();
        final SortedMap<Integer, Long> durations = new TreeMap<>();
        final SortedMap<String, Usage.Steps> steps = new TreeMap<>();
        final SortedMap<String, Usage.Models> models = new TreeMap<>();
        /** Per runner: its runs and their duration buckets. */
        final java.util.Map<UUID, Usage.Runs> runners = new java.util.HashMap<>();
        final java.util.Map<UUID, SortedMap<Integer, Long>> runnerDurations = new java.util.HashMap<>();
        /** Per trigger type: runs, outcomes and cost (no tokens or steps). */
        final SortedMap<String, Usage.Runs> triggers = new TreeMap<>();

        void add(Usage usage) {
            usage.runs.forEach((cell, r) -> {
                sum(hours.computeIfAbsent(cell.hour(), k -> new Usage.Runs()), r);
                sum(runners.computeIfAbsent(cell.runnerId(), k -> new Usage.Runs()), r);
            });
            eachInner(usage.triggers, (trigger, r) -> sum(triggers.computeIfAbsent(trigger, k -> new Usage.Runs()), r));
            usage.durations.forEach((cell, b) -> b.forEach((bucket, n) -> {
                durations.merge(bucket, n, Long::sum);
                runnerDurations.computeIfAbsent(cell.runnerId(), k -> new TreeMap<>()).merge(bucket, n, Long::sum);
            }));
            eachInner(usage.steps, (type, s) -> {
                Usage.Steps t = steps.computeIfAbsent(type, k -> new Usage.Steps());
                t.attempts += s.attempts;
                t.failed += s.failed;
                t.durationMs += s.durationMs;
            });
            eachInner(usage.models, (model, m) -> {
                Usage.Models t = models.computeIfAbsent(model, k -> new Usage.Models());
                t.calls += m.calls;
                t.inputTokens += m.inputTokens;
                t.outputTokens += m.outputTokens;
                t.costUsd = t.costUsd.add(m.costUsd);
            });
        }

        /** Adds chat-thread turns' tokens and cost to their hours and models (not to runs or steps); returns how many turns. */
        long addTurns(List<TurnUsage.Hourly> turns) {
            long count = 0;
            for (TurnUsage.Hourly h : turns) {
                Usage.Runs r = hours.computeIfAbsent(h.hour(), k -> new Usage.Runs());
                r.inputTokens += h.inputTokens();
                r.outputTokens += h.outputTokens();
                r.costUsd = r.costUsd.add(h.costUsd());
                Usage.Models m = models.computeIfAbsent(h.model() == null ? "unknown" : h.model(), k -> new Usage.Models());
                m.calls += h.calls();
                m.inputTokens += h.inputTokens();
                m.outputTokens += h.outputTokens();
                m.costUsd = m.costUsd.add(h.costUsd());
                count += h.turns();
            }
            return count;
        }

        Usage.Runs overall() {
            Usage.Runs all = new Usage.Runs();
            for (Usage.Runs r : hours.values()) {
                sum(all, r);
            }
            return all;
        }

        /** Adds {@code r} into {@code into}. */
        static void sum(Usage.Runs into, Usage.Runs r) {
            into.runs += r.runs;
            into.succeeded += r.succeeded;
            into.failed += r.failed;
            into.cancelled += r.cancelled;
            into.steps += r.steps;
            into.retrievals += r.retrievals;
            into.inputTokens += r.inputTokens;
            into.outputTokens += r.outputTokens;
            into.costUsd = into.costUsd.add(r.costUsd);
        }

        private static <V> void eachInner(Map<Usage.Cell, Map<String, V>> map, BiConsumer<String, V> f) {
            map.values().forEach(inner -> inner.forEach(f));
        }
    }

    static BigDecimal money(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}

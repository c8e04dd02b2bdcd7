package dev.griddle.server.llm;

import static dev.griddle.server.store.Sql.ts;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Read-only SQL over {@code runs} for budgets: a run's committed totals and allowance, and what a
 * runner's runs spent today (UTC). The engine writes these columns; this only reads them.
 */
@Repository
class RunLedger {

    /** A run as budgets and the llm step see it. */
    record RunInfo(UUID runnerId, UUID projectId, int version, BigDecimal costUsd, long tokens, BigDecimal extraUsd) {
    }

    private final JdbcClient jdbc;

    RunLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<RunInfo> run(UUID orgId, UUID runId) {
        return jdbc.sql("""
                select runner_id, project_id, runner_version, cost_usd, input_tokens + output_tokens as tokens, budget_extra_usd
                from runs where org_id = :org and id = :id
                """).param("org", orgId).param("id", runId)
                .query((rs, n) -> new RunInfo(rs.getObject("runner_id", UUID.class), rs.getObject("project_id", UUID.class), rs.getInt("runner_version"), rs.getBigDecimal("cost_usd"),
                        rs.getLong("tokens"), rs.getBigDecimal("budget_extra_usd")))
                .optional();
    }

    BigDecimal spentToday(UUID orgId, UUID runnerId, Instant now) {
        Instant dayStart = now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
        return jdbc.sql("select coalesce(sum(cost_usd), 0) from runs where org_id = :org and runner_id = :runner and created_at >= :from")
                .param("org", orgId).param("runner", runnerId).param("from", ts(dayStart)).query(BigDecimal.class).single();
    }
}

package dev.griddle.server.llm;

import static dev.griddle.server.store.Sql.ts;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Read-only SQL over {@code runs} for budgets: a run's committed spend and allowance, and what a
 * runner's runs spent today (UTC). The engine writes these columns; this only reads them. It is
 * budget accounting, not a run's facts: those (runner, version, project) come with the step task.
 */
@Repository
class RunLedger {

    /** What a run has spent so far (committed steps) and what {@code resume {add_budget_usd}} added to its allowance. */
    record Spend(BigDecimal costUsd, long tokens, BigDecimal extraUsd) {
        static final Spend NONE = new Spend(BigDecimal.ZERO, 0, BigDecimal.ZERO);
    }

    private final JdbcClient jdbc;

    RunLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Spend spend(UUID orgId, UUID runId) {
        return jdbc.sql("""
                select cost_usd, input_tokens + output_tokens as tokens, budget_extra_usd from runs where org_id = :org and id = :id
                """).param("org", orgId).param("id", runId)
                .query((rs, n) -> new Spend(rs.getBigDecimal("cost_usd"), rs.getLong("tokens"), rs.getBigDecimal("budget_extra_usd")))
                .optional().orElse(Spend.NONE);
    }

    BigDecimal spentToday(UUID orgId, UUID runnerId, Instant now) {
        Instant dayStart = now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
        return jdbc.sql("select coalesce(sum(cost_usd), 0) from runs where org_id = :org and runner_id = :runner and created_at >= :from")
                .param("org", orgId).param("runner", runnerId).param("from", ts(dayStart)).query(BigDecimal.class).single();
    }
}

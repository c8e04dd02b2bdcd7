package dev.griddle.server.llm;

import static dev.griddle.server.store.Sql.ts;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code runner_budgets}. */
@Repository
class BudgetStore {

    private final JdbcClient jdbc;

    BudgetStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Budget> find(UUID orgId, UUID runnerId) {
        return jdbc.sql("select * from runner_budgets where org_id = :org and runner_id = :runner").param("org", orgId).param("runner", runnerId)
                .query((rs, n) -> new Budget(rs.getBigDecimal("max_cost_usd_per_run"), rs.getBigDecimal("max_cost_usd_per_day"),
                        (Long) rs.getObject("max_tokens_per_run", Long.class), rs.getString("on_exceed")))
                .optional();
    }

    void put(UUID orgId, UUID runnerId, Budget b, Instant now) {
        jdbc.sql("""
                insert into runner_budgets (runner_id, org_id, max_cost_usd_per_run, max_cost_usd_per_day, max_tokens_per_run, on_exceed, updated_at)
                values (:runner, :org, :run, :day, :tokens, :onExceed, :now)
                on conflict (runner_id) do update set max_cost_usd_per_run = excluded.max_cost_usd_per_run,
                    max_cost_usd_per_day = excluded.max_cost_usd_per_day, max_tokens_per_run = excluded.max_tokens_per_run,
                    on_exceed = excluded.on_exceed, updated_at = excluded.updated_at
                """).param("runner", runnerId).param("org", orgId).param("run", b.maxCostUsdPerRun()).param("day", b.maxCostUsdPerDay())
                .param("tokens", b.maxTokensPerRun()).param("onExceed", b.onExceed()).param("now", ts(now)).update();
    }
}

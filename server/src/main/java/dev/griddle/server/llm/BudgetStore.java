package dev.griddle.server.llm;

import static dev.griddle.server.store.Sql.ts;

import java.math.BigDecimal;
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

    /**
     * The budget a run's model calls are held to: the runner's, except for a run of an experiment
     * ({@code trigger_type experiment}), which is capped by the experiment's own {@code max_cost_usd}
     * alone: what the experiment's other runs have spent is taken off it, and the run fails rather
     * than pauses when it is reached. One look-up by the run's key either way.
     */
    Optional<Budget> forRun(UUID orgId, UUID runnerId, UUID runId) {
        return jdbc.sql("""
                select r.trigger_type, e.max_cost_usd - coalesce((select sum(o.cost_usd) from runs o where o.org_id = r.org_id
                           and o.trigger_type = 'experiment' and o.trigger_id = e.id and o.id <> r.id), 0) as experiment_left,
                       b.max_cost_usd_per_run, b.max_cost_usd_per_day, b.max_tokens_per_run, b.on_exceed
                from runs r
                left join experiments e on r.trigger_type = 'experiment' and e.id = r.trigger_id and e.org_id = r.org_id
                left join runner_budgets b on b.org_id = r.org_id and b.runner_id = :runner
                where r.org_id = :org and r.id = :run""").param("org", orgId).param("runner", runnerId).param("run", runId)
                .query((rs, n) -> {
                    BigDecimal left = rs.getBigDecimal("experiment_left");
                    String onExceed = rs.getString("on_exceed");
                    BigDecimal perRun = rs.getBigDecimal("max_cost_usd_per_run");
                    BigDecimal perDay = rs.getBigDecimal("max_cost_usd_per_day");
                    Long tokens = rs.getObject("max_tokens_per_run", Long.class);
                    if ("experiment".equals(rs.getString("trigger_type"))) {
                        return Optional.ofNullable(left).map(l -> new Budget(l.max(BigDecimal.ZERO), null, null, "fail"));
                    }
                    return Optional.ofNullable(onExceed).map(action -> new Budget(perRun, perDay, tokens, action));
                })
                .optional().flatMap(b -> b);
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

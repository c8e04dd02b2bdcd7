package dev.griddle.server.engine;

import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.auth.ProjectScope;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How other features read runs: a run's row, the runs feed, a trigger's live run, what runs spent. Every read is scoped by organization; none takes the run's lock.
 */
@Component
public class RunReader {

    private final JdbcClient jdbc;
    private final RowMapper<RunRow> rows;

    RunReader(JdbcClient jdbc, RunStore runs) {
        this.jdbc = jdbc;
        this.rows = runs.rows();
    }

    public Optional<RunRow> find(UUID orgId, UUID runId) {
        return jdbc.sql("select * from runs where org_id = :org and id = :id").param("org", orgId).param("id", runId).query(rows).optional();
    }

    /** The run, when a key of {@code scope} sees it (it is in one of the key's projects). */
    public Optional<RunRow> visible(UUID orgId, ProjectScope scope, UUID runId) {
        return find(orgId, runId).filter(r -> scope.sees(r.projectId()));
    }

    /** The newest unfinished run a trigger started, if any. */
    public Optional<UUID> liveRunOf(UUID orgId, String triggerType, UUID triggerId) {
        return jdbc.sql("""
                select id from runs where org_id = :org and trigger_type = :type and trigger_id = :trigger and finished_at is null
                order by created_at desc limit 1
                """).param("org", orgId).param("type", triggerType).param("trigger", triggerId).query(UUID.class).optional();
    }

    /** What a run has spent so far (committed steps) and what {@code resume {add_budget_usd}} added to its allowance (issue #5). */
    public record Spend(BigDecimal costUsd, long tokens, BigDecimal extraUsd) {
        public static final Spend NONE = new Spend(BigDecimal.ZERO, 0, BigDecimal.ZERO);
    }

    public Optional<Spend> spend(UUID orgId, UUID runId) {
        return jdbc.sql("select cost_usd, input_tokens + output_tokens as tokens, budget_extra_usd from runs where org_id = :org and id = :id")
                .param("org", orgId).param("id", runId)
                .query((rs, n) -> new Spend(rs.getBigDecimal("cost_usd"), rs.getLong("tokens"), rs.getBigDecimal("budget_extra_usd"))).optional();
    }

    /** What the runner's runs created since {@code from} have spent. */
    public BigDecimal spentSince(UUID orgId, UUID runnerId, Instant from) {
        return jdbc.sql("select coalesce(sum(cost_usd), 0) from runs where org_id = :org and runner_id = :runner and created_at >= :from")
                .param("org", orgId).param("runner", runnerId).param("from", ts(from)).query(BigDecimal.class).single();
    }

    /** Filters of the runs feed; null fields do not filter. {@code projectIds} null = every project. */
    public record RunFilter(UUID runnerId, String status, String triggerType, Instant from, Instant to, UUID[] projectIds) {
    }

    private static final String FILTER = """
            where org_id = :org
              and (cast(:runner as uuid) is null or runner_id = :runner)
              and (cast(:status as text) is null or status = :status)
              and (cast(:trigger as text) is null or trigger_type = :trigger)
              and (cast(:from as timestamptz) is null or created_at >= :from)
              and (cast(:to as timestamptz) is null or created_at < :to)
              and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
            """;

    /** A page of the runs feed, newest first. */
    public List<RunRow> list(UUID orgId, RunFilter f, int limit, long offset) {
        return bind(jdbc.sql("select * from runs " + FILTER + " order by created_at desc, id limit :limit offset :offset"), orgId, f)
                .param("limit", limit).param("offset", offset).query(rows).list();
    }

    public long count(UUID orgId, RunFilter f) {
        return bind(jdbc.sql("select count(*) from runs " + FILTER), orgId, f).query(Long.class).single();
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec, UUID orgId, RunFilter f) {
        return spec.param("org", orgId).param("runner", f.runnerId()).param("status", f.status()).param("trigger", f.triggerType())
                .param("from", ts(f.from())).param("to", ts(f.to())).param("projects", f.projectIds());
    }
}

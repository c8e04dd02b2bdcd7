package dev.griddle.server.thread;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.trace.TurnUsage;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Sums the usage stored on finished answers ({@code thread_messages}) per hour and model, for analytics. */
@Repository
class ThreadUsage implements TurnUsage {

    private final JdbcClient jdbc;

    ThreadUsage(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Hourly> hourly(UUID orgId, Instant from, Instant to, UUID agentId, UUID[] projectIds) {
        return jdbc.sql("""
                select date_trunc('hour', m.finished_at, 'UTC') as hour, m.model, count(*) as turns, sum(m.model_calls) as calls,
                       sum(m.input_tokens) as input_tokens, sum(m.output_tokens) as output_tokens, sum(m.cost_usd) as cost_usd
                from thread_messages m join threads t on t.id = m.thread_id join agents a on a.id = t.agent_id
                where m.org_id = :org and m.role = 'assistant' and m.model_calls > 0 and m.finished_at >= :from and m.finished_at < :to
                  and (cast(:agent as uuid) is null or t.agent_id = :agent)
                  and (cast(:projects as uuid[]) is null or a.project_id = any(cast(:projects as uuid[])))
                group by 1, 2
                """).param("org", orgId).param("from", ts(from)).param("to", ts(to)).param("agent", agentId).param("projects", projectIds)
                .query((rs, n) -> new Hourly(instant(rs.getTimestamp("hour")), rs.getString("model"), rs.getLong("turns"), rs.getLong("calls"),
                        rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getBigDecimal("cost_usd")))
                .list();
    }
}

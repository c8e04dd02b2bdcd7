package dev.griddle.server.engine;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A run's events, numbered 1, 2, 3... per run under the run's row lock: no gaps, no duplicates. */
@Repository
public class EventLog {

    /** An event as the API shows it. */
    public record Event(long id, UUID runId, long seq, String type, String stepId, JsonNode data, Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final JsonMapper json;

    EventLog(JdbcClient jdbc, JdbcTemplate batch, JsonMapper json) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.json = json;
    }

    void insert(UUID orgId, List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        batch.batchUpdate("insert into events (run_id, seq, org_id, type, step_id, data, created_at) values (?, ?, ?, ?, ?, cast(? as jsonb), ?)",
                events, events.size(), (ps, e) -> {
                    ps.setObject(1, e.runId());
                    ps.setLong(2, e.seq());
                    ps.setObject(3, orgId);
                    ps.setString(4, e.type());
                    ps.setString(5, e.stepId());
                    ps.setString(6, json.writeValueAsString(e.data()));
                    ps.setTimestamp(7, ts(e.createdAt()));
                });
    }

    /** Events of a run after {@code afterSeq}, oldest first. */
    public List<Event> after(UUID orgId, UUID runId, long afterSeq, int limit) {
        return jdbc.sql("""
                select * from events where org_id = :org and run_id = :run and seq > :after order by seq limit :limit
                """).param("org", orgId).param("run", runId).param("after", afterSeq).param("limit", limit)
                .query((rs, n) -> new Event(rs.getLong("seq"), rs.getObject("run_id", UUID.class), rs.getLong("seq"), rs.getString("type"),
                        rs.getString("step_id"), json.readTree(rs.getString("data")), instant(rs.getTimestamp("created_at"))))
                .list();
    }
}

package dev.griddle.server.thread;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.trace.TurnTraces;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads answers ({@code thread_messages}, role assistant) as traces: their usage, their recorded calls, their thread's agent. */
@Repository
class ThreadTraces implements TurnTraces {

    private static final TypeReference<List<Call>> CALLS = new TypeReference<>() {
    };
    private static final String COLUMNS = """
            m.id, m.org_id, m.thread_id, t.agent_id, a.name as agent_name, a.project_id, m.status, m.model, m.model_calls, m.input_tokens,
            m.output_tokens, m.cost_usd, m.error, m.created_at, m.finished_at
            """;
    private static final String FROM = """
            from thread_messages m join threads t on t.id = m.thread_id join agents a on a.id = t.agent_id
            """;
    private static final String FILTER = """
            where m.org_id = :org and m.role = 'assistant'
              and (cast(:thread as uuid) is null or m.thread_id = :thread)
              and (cast(:agent as uuid) is null or t.agent_id = :agent)
              and (cast(:statuses as text[]) is null or m.status = any(cast(:statuses as text[])))
              and (cast(:projects as uuid[]) is null or a.project_id = any(cast(:projects as uuid[])))
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ThreadTraces(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public List<Key> keys(UUID orgId, Filter filter, int limit, long offset) {
        return bind(jdbc.sql("select m.id, m.created_at " + FROM + FILTER + " order by m.created_at desc, m.id limit :limit offset :offset"),
                orgId, filter).param("limit", limit).param("offset", offset)
                .query((rs, n) -> new Key(rs.getObject("id", UUID.class), instant(rs.getTimestamp("created_at")))).list();
    }

    @Override
    public long count(UUID orgId, Filter filter) {
        return bind(jdbc.sql("select count(*) " + FROM + FILTER), orgId, filter).query(Long.class).single();
    }

    @Override
    public List<Turn> list(UUID orgId, List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select " + COLUMNS + FROM + "where m.org_id = :org and m.id = any(:ids) and m.role = 'assistant'")
                .param("org", orgId).param("ids", ids.toArray(UUID[]::new)).query((rs, n) -> turn(rs, false)).list();
    }

    @Override
    public Optional<Turn> find(UUID orgId, UUID id) {
        return jdbc.sql("select " + COLUMNS + ", m.trace " + FROM + "where m.org_id = :org and m.id = :id and m.role = 'assistant'")
                .param("org", orgId).param("id", id).query((rs, n) -> turn(rs, true)).optional();
    }

    @Override
    public List<Turn> finishedAfter(Instant at, UUID id, Instant upTo, int limit) {
        return jdbc.sql("select " + COLUMNS + ", m.trace " + FROM + """
                where m.role = 'assistant' and m.finished_at is not null and (m.finished_at, m.id) > (:at, :id) and m.finished_at <= :upTo
                order by m.finished_at, m.id limit :limit
                """).param("at", ts(at)).param("id", id).param("upTo", ts(upTo)).param("limit", limit).query((rs, n) -> turn(rs, true)).list();
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec, UUID orgId, Filter f) {
        return spec.param("org", orgId).param("thread", f.threadId()).param("agent", f.agentId())
                .param("statuses", f.statuses() == null ? null : f.statuses().toArray(String[]::new)).param("projects", f.projectIds());
    }

    private Turn turn(ResultSet rs, boolean withCalls) throws SQLException {
        String error = rs.getString("error");
        JsonNode e = error == null ? null : json.readTree(error);
        List<Call> calls = withCalls ? json.readValue(rs.getString("trace"), CALLS) : List.of();
        return new Turn(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("thread_id", UUID.class),
                rs.getObject("agent_id", UUID.class), rs.getString("agent_name"), rs.getObject("project_id", UUID.class), rs.getString("status"),
                rs.getString("model"), rs.getInt("model_calls"), rs.getLong("input_tokens"), rs.getLong("output_tokens"),
                rs.getBigDecimal("cost_usd"), e == null ? null : e.path("code").asString(null), e == null ? null : e.path("message").asString(null),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("finished_at")), calls);
    }
}

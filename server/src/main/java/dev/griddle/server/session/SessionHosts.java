package dev.griddle.server.session;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The session side of the worker registry: each worker's pod slots ({@code max_pods}) and the
 * templates it announced (columns of {@code workers} that this package owns; the {@code worker}
 * package registers and reads the rest).
 */
@Repository
class SessionHosts {

    /** A worker as placement sees it. */
    record Host(UUID id, String name, boolean online, boolean draining, List<String> labels, int maxPods, JsonNode templates,
            Instant lastHeartbeatAt) {

        JsonNode template(String name) {
            for (JsonNode t : templates) {
                if (t.path("name").asString().equals(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    SessionHosts(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<Host> find(UUID orgId, UUID workerId, Instant now, Duration heartbeatTimeout) {
        return jdbc.sql("select * from workers where org_id = :org and id = :id").param("org", orgId).param("id", workerId)
                .query((rs, n) -> host(rs, now, heartbeatTimeout)).optional();
    }

    List<Host> all(UUID orgId, Instant now, Duration heartbeatTimeout) {
        return jdbc.sql("select * from workers where org_id = :org and cardinality(session_template_names) > 0 order by name limit 1000")
                .param("org", orgId).query((rs, n) -> host(rs, now, heartbeatTimeout)).list();
    }

    /** Whether any worker of the organization has announced this template. */
    boolean offered(UUID orgId, String template) {
        return jdbc.sql("select exists (select 1 from workers where org_id = :org and :t = any(session_template_names))")
                .param("org", orgId).param("t", template).query(Boolean.class).single();
    }

    void heartbeat(UUID orgId, UUID workerId, Instant now) {
        jdbc.sql("update workers set last_heartbeat_at = :now where org_id = :org and id = :id").param("now", ts(now)).param("org", orgId)
                .param("id", workerId).update();
    }

    /** The worker's row locked, so that concurrent polls cannot overbook its pod slots. */
    void lock(UUID orgId, UUID workerId) {
        jdbc.sql("select 1 from workers where org_id = :org and id = :id for update").param("org", orgId).param("id", workerId)
                .query(Integer.class).optional();
    }

    int podCount(UUID workerId) {
        return jdbc.sql("select count(*) from sessions where worker_id = :id and status in " + SessionStore.PLACED).param("id", workerId)
                .query(Integer.class).single();
    }

    private Host host(java.sql.ResultSet rs, Instant now, Duration heartbeatTimeout) throws java.sql.SQLException {
        Instant beat = instant(rs.getTimestamp("last_heartbeat_at"));
        return new Host(rs.getObject("id", UUID.class), rs.getString("name"), !beat.isBefore(now.minus(heartbeatTimeout)),
                rs.getBoolean("draining"), SessionStore.strings(rs.getArray("labels")), rs.getInt("max_pods"),
                json.readTree(rs.getString("session_templates")), beat);
    }
}

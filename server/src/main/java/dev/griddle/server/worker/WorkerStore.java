package dev.griddle.server.worker;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.web.PageQuery;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;

/** The worker registry. Status and running tasks are computed in the query, against {@code now}. */
@Repository
class WorkerStore {

    /** What a worker says about itself when it registers. */
    record Registration(String name, String version, String os, String arch, List<String> labels, List<String> taskTypes,
            int maxConcurrency, int maxPods, JsonNode sessionTemplates, List<String> sessionTemplateNames) {
    }

    record Registered(Worker worker, boolean created) {
    }

    private static final String SELECT = """
            select w.*, (select count(*) from tasks t where t.lease_owner = 'worker:' || w.id::text) as running,
                   (select count(*) from sessions s where s.worker_id = w.id and s.status in ('starting', 'running', 'idle')) as pod_count,
                   case when w.last_heartbeat_at < :cutoff then 'offline' when w.draining then 'draining' else 'online' end as status
            from workers w
            """;

    private final JdbcClient jdbc;
    private final Duration heartbeatTimeout;

    WorkerStore(JdbcClient jdbc, WorkerProperties props) {
        this.jdbc = jdbc;
        this.heartbeatTimeout = props.heartbeatTimeout();
    }

    /** Inserts the worker, or updates the one with this name: re-registering also ends a drain. */
    Registered register(UUID orgId, Registration r, Instant now) {
        Row row = jdbc.sql("""
                insert into workers (id, org_id, name, version, os, arch, labels, task_types, max_concurrency, draining, last_heartbeat_at,
                                     created_at, updated_at, max_pods, session_templates, session_template_names)
                values (:id, :org, :name, :version, :os, :arch, :labels, :types, :max, false, :now, :now, :now, :pods,
                        cast(:templates as jsonb), :templateNames)
                on conflict (org_id, name) do update set version = excluded.version, os = excluded.os, arch = excluded.arch,
                    labels = excluded.labels, task_types = excluded.task_types, max_concurrency = excluded.max_concurrency,
                    max_pods = excluded.max_pods, session_templates = excluded.session_templates,
                    session_template_names = excluded.session_template_names,
                    draining = false, last_heartbeat_at = excluded.last_heartbeat_at, updated_at = excluded.updated_at
                returning id, (xmax = 0) as inserted
                """)
                .param("id", UUID.randomUUID()).param("org", orgId).param("name", r.name()).param("version", r.version())
                .param("os", r.os()).param("arch", r.arch()).param("labels", r.labels().toArray(String[]::new))
                .param("types", r.taskTypes().toArray(String[]::new)).param("max", r.maxConcurrency()).param("now", ts(now))
                .param("pods", r.maxPods()).param("templates", r.sessionTemplates().toString())
                .param("templateNames", r.sessionTemplateNames().toArray(String[]::new))
                .query((rs, n) -> new Row(rs.getObject("id", UUID.class), rs.getBoolean("inserted"))).single();
        return new Registered(find(orgId, row.id(), now).orElseThrow(), row.inserted());
    }

    private record Row(UUID id, boolean inserted) {
    }

    Optional<Worker> find(UUID orgId, UUID id, Instant now) {
        return jdbc.sql(SELECT + " where w.org_id = :org and w.id = :id").param("org", orgId).param("id", id)
                .param("cutoff", ts(now.minus(heartbeatTimeout))).query(this::worker).optional();
    }

    /** The worker row locked for the rest of the transaction, so that concurrent claims cannot overbook it. */
    Optional<Worker> lock(UUID orgId, UUID id, Instant now) {
        boolean exists = jdbc.sql("select 1 from workers where org_id = :org and id = :id for update").param("org", orgId).param("id", id)
                .query(Integer.class).optional().isPresent();
        return exists ? find(orgId, id, now) : Optional.empty();
    }

    /** Workers by name; {@code available}: online and below {@code max_concurrency}. */
    List<Worker> list(UUID orgId, boolean available, PageQuery page, Instant now) {
        return jdbc.sql("select * from (" + SELECT + " where w.org_id = :org) v" + (available ? AVAILABLE : "")
                        + " order by name limit :limit offset :offset")
                .param("org", orgId).param("cutoff", ts(now.minus(heartbeatTimeout))).param("limit", page.perPage())
                .param("offset", page.offset()).query(this::worker).list();
    }

    long count(UUID orgId, boolean available, Instant now) {
        return jdbc.sql("select count(*) from (" + SELECT + " where w.org_id = :org) v" + (available ? AVAILABLE : ""))
                .param("org", orgId).param("cutoff", ts(now.minus(heartbeatTimeout))).query(Long.class).single();
    }

    private static final String AVAILABLE = " where status = 'online' and running < max_concurrency";

    /** Records a sign of life; false when there is no such worker in the organization. */
    boolean heartbeat(UUID orgId, UUID id, Instant now) {
        return jdbc.sql("update workers set last_heartbeat_at = :now where org_id = :org and id = :id")
                .param("now", ts(now)).param("org", orgId).param("id", id).update() == 1;
    }

    boolean drain(UUID orgId, UUID id, Instant now) {
        return jdbc.sql("update workers set draining = true, updated_at = :now where org_id = :org and id = :id")
                .param("now", ts(now)).param("org", orgId).param("id", id).update() == 1;
    }

    private Worker worker(ResultSet rs, int n) throws SQLException {
        return new Worker(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("status"), rs.getString("version"),
                rs.getString("os"), rs.getString("arch"), strings(rs.getArray("labels")), strings(rs.getArray("task_types")),
                rs.getInt("running"), rs.getInt("max_concurrency"), rs.getInt("pod_count"), rs.getInt("max_pods"),
                instant(rs.getTimestamp("last_heartbeat_at")),
                instant(rs.getTimestamp("created_at")));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}

package dev.griddle.server.session;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.Wakeups;
import dev.griddle.server.trigger.OrgEvents;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Sessions, their timeline and the commands waiting for their worker. Every query is scoped to an organization. */
@Repository
public class SessionStore {

    public static final List<String> STATUSES = List.of("pending", "starting", "running", "idle", "terminated", "failed");
    static final String LIVE = "('pending', 'starting', 'running', 'idle')";
    static final String PLACED = "('starting', 'running', 'idle')";

    public record Event(long seq, String type, JsonNode data, Instant createdAt) {
    }

    record Command(long id, UUID sessionId, String kind, JsonNode body) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final OrgEvents orgEvents;
    private final Wakeups wakeups;

    SessionStore(JdbcClient jdbc, JsonMapper json, OrgEvents orgEvents, Wakeups wakeups) {
        this.jdbc = jdbc;
        this.json = json;
        this.orgEvents = orgEvents;
        this.wakeups = wakeups;
    }

    void insert(UUID orgId, UUID id, UUID projectId, String template, String prompt, List<String> labels, JsonNode metadata, UUID runId,
            String stepId, Instant now) {
        jdbc.sql("""
                insert into sessions (id, org_id, project_id, template, initial_prompt, labels, metadata, status, run_id, step_id,
                                      created_at, updated_at)
                values (:id, :org, :project, :template, :prompt, :labels, cast(:metadata as jsonb), 'pending', :run, :step, :now, :now)
                """).param("id", id).param("org", orgId).param("project", projectId).param("template", template).param("prompt", prompt)
                .param("labels", labels.toArray(String[]::new)).param("metadata", json.writeValueAsString(metadata)).param("run", runId)
                .param("step", stepId).param("now", ts(now)).update();
    }

    Optional<Session> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from sessions where org_id = :org and id = :id").param("org", orgId).param("id", id)
                .query(this::session).optional();
    }

    /** The row locked for the rest of the transaction. */
    Optional<Session> lock(UUID orgId, UUID id) {
        return jdbc.sql("select * from sessions where org_id = :org and id = :id for update").param("org", orgId).param("id", id)
                .query(this::session).optional();
    }

    private static final String FILTER = """
             where org_id = :org and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
               and (cast(:status as text) is null or status = :status) and (cast(:worker as uuid) is null or worker_id = :worker)
               and (cast(:template as text) is null or template = :template)
            """;

    List<Session> list(UUID orgId, ProjectScope scope, String status, UUID workerId, String template, int limit, long offset) {
        return jdbc.sql("select * from sessions" + FILTER + " order by created_at desc, id limit :limit offset :offset")
                .param("org", orgId).param("projects", scope.sqlArray()).param("status", status).param("worker", workerId)
                .param("template", template).param("limit", limit).param("offset", offset).query(this::session).list();
    }

    long count(UUID orgId, ProjectScope scope, String status, UUID workerId, String template) {
        return jdbc.sql("select count(*) from sessions" + FILTER).param("org", orgId).param("projects", scope.sqlArray())
                .param("status", status).param("worker", workerId).param("template", template).query(Long.class).single();
    }

    long live(UUID orgId) {
        return jdbc.sql("select count(*) from sessions where org_id = :org and status in " + LIVE).param("org", orgId)
                .query(Long.class).single();
    }

    /**
     * Appends to the timeline; the caller holds the session's row (its {@code event_seq} numbers the
     * events). A change of status is also a {@code session.*} event for the organization's
     * notification subscriptions ({@code pending} is {@code session.created}), queued in the same transaction.
     * Its streams, on every node, are woken once the transaction commits.
     */
    long event(UUID orgId, UUID sessionId, String type, JsonNode data, Instant now) {
        if (type.equals("status")) {
            notifyStatus(orgId, sessionId, data, now);
        }
        long seq = jdbc.sql("update sessions set event_seq = event_seq + 1 where org_id = :org and id = :id returning event_seq")
                .param("org", orgId).param("id", sessionId).query(Long.class).single();
        jdbc.sql("insert into session_events (session_id, seq, org_id, type, data, created_at) values (:id, :seq, :org, :type, cast(:data as jsonb), :now)")
                .param("id", sessionId).param("seq", seq).param("org", orgId).param("type", type).param("data", json.writeValueAsString(data))
                .param("now", ts(now)).update();
        wakeups.sessionEventsAppended(sessionId);
        return seq;
    }

    private void notifyStatus(UUID orgId, UUID sessionId, JsonNode data, Instant now) {
        Session s = find(orgId, sessionId).orElseThrow();
        String status = data.path("status").asString();
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("session_id", s.id().toString()).put("status", status)
                .put("template", s.template());
        payload.put("project_id", s.projectId() == null ? null : s.projectId().toString());
        payload.put("worker_id", s.workerId() == null ? null : s.workerId().toString());
        payload.put("run_id", s.runId() == null ? null : s.runId().toString());
        payload.put("step_id", s.stepId());
        payload.put("exit_code", s.exitCode());
        payload.put("reason", data.has("reason") ? data.path("reason").asString() : s.reason());
        orgEvents.publish(orgId, status.equals("pending") ? "session.created" : "session." + status, payload, now);
    }

    List<Event> events(UUID orgId, UUID sessionId, long after, int limit) {
        return jdbc.sql("select * from session_events where org_id = :org and session_id = :id and seq > :after order by seq limit :limit")
                .param("org", orgId).param("id", sessionId).param("after", after).param("limit", limit)
                .query((rs, n) -> new Event(rs.getLong("seq"), rs.getString("type"), json.readTree(rs.getString("data")),
                        instant(rs.getTimestamp("created_at"))))
                .list();
    }

    /** The last {@code n} output lines, oldest first. */
    List<String> lastOutput(UUID orgId, UUID sessionId, int n) {
        List<String> lines = new java.util.ArrayList<>(jdbc.sql("""
                select data ->> 'line' from session_events where org_id = :org and session_id = :id and type = 'output'
                order by seq desc limit :n
                """).param("org", orgId).param("id", sessionId).param("n", n).query(String.class).list());
        java.util.Collections.reverse(lines);
        return lines;
    }

    void status(UUID orgId, UUID id, String status, Integer exitCode, String reason, Instant now) {
        boolean terminal = status.equals("terminated") || status.equals("failed");
        jdbc.sql("""
                update sessions set status = :status, exit_code = coalesce(cast(:code as int), exit_code), reason = coalesce(cast(:reason as text), reason),
                    started_at = coalesce(started_at, cast(:started as timestamptz)), ended_at = coalesce(ended_at, cast(:ended as timestamptz)),
                    lease_expires_at = case when cast(:terminal as boolean) then null else lease_expires_at end, updated_at = :now
                where org_id = :org and id = :id
                """).param("status", status).param("code", exitCode).param("reason", reason).param("terminal", terminal).param("now", ts(now))
                .param("started", status.equals("running") ? ts(now) : null).param("ended", terminal ? ts(now) : null)
                .param("org", orgId).param("id", id).update();
    }

    long command(UUID orgId, UUID sessionId, UUID workerId, String kind, JsonNode body, Instant now) {
        return jdbc.sql("""
                insert into session_commands (org_id, session_id, worker_id, kind, body, created_at)
                values (:org, :session, :worker, :kind, cast(:body as jsonb), :now) returning id
                """).param("org", orgId).param("session", sessionId).param("worker", workerId).param("kind", kind)
                .param("body", json.writeValueAsString(body)).param("now", ts(now)).query(Long.class).single();
    }

    Optional<JsonNode> commandResult(UUID orgId, long commandId) {
        return jdbc.sql("select result from session_commands where org_id = :org and id = :id and result is not null")
                .param("org", orgId).param("id", commandId).query(String.class).optional().map(json::readTree);
    }

    /** Forgets a command nobody waits for any more (the caller timed out). */
    void dropCommand(UUID orgId, long commandId) {
        jdbc.sql("delete from session_commands where org_id = :org and id = :id").param("org", orgId).param("id", commandId).update();
    }

    /** Hands out the worker's waiting commands, oldest first, marking them delivered. */
    List<Command> deliver(UUID orgId, UUID workerId, int max, Instant now) {
        return jdbc.sql("""
                update session_commands set delivered_at = :now where id in (
                    select id from session_commands where org_id = :org and worker_id = :worker and delivered_at is null
                    order by id limit :max for update skip locked)
                returning id, session_id, kind, body
                """).param("now", ts(now)).param("org", orgId).param("worker", workerId).param("max", max)
                .query((rs, n) -> new Command(rs.getLong("id"), rs.getObject("session_id", UUID.class), rs.getString("kind"),
                        json.readTree(rs.getString("body"))))
                .list().stream().sorted(java.util.Comparator.comparingLong(Command::id)).toList();
    }

    /** Stores a command's result; its kind, or empty when nobody waits for it any more. */
    Optional<String> commandDone(UUID orgId, UUID sessionId, long commandId, JsonNode result, Instant now) {
        return jdbc.sql("update session_commands set result = cast(:result as jsonb), done_at = :now where org_id = :org and session_id = :s "
                        + "and id = :id and result is null returning kind")
                .param("result", json.writeValueAsString(result)).param("now", ts(now)).param("org", orgId).param("s", sessionId)
                .param("id", commandId).query(String.class).optional();
    }

    Session session(ResultSet rs, int n) throws SQLException {
        return new Session(rs.getObject("id", UUID.class), rs.getString("status"), rs.getString("template"), rs.getString("initial_prompt"),
                strings(rs.getArray("labels")), json.readTree(rs.getString("metadata")), rs.getObject("project_id", UUID.class),
                rs.getObject("worker_id", UUID.class), (Integer) rs.getObject("exit_code"), rs.getString("reason"), rs.getBoolean("exec_allowed"),
                rs.getObject("run_id", UUID.class), rs.getString("step_id"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("ended_at")), instant(rs.getTimestamp("archived_at")),
                rs.getLong("lease_token"), rs.getLong("report_seq"));
    }

    static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}

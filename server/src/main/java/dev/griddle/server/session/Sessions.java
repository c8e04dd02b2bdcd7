package dev.griddle.server.session;

import dev.griddle.server.store.Sql;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.worker.WorkerProperties;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a session goes through, shared by the public API, the worker protocol and the
 * {@code session} step: creation (under the organization's cap on live sessions), cancelling,
 * archiving, and {@code host_lost} when its lease runs out. Placement on a polling worker and its
 * reports are {@link SessionProtocol}'s, commands for its worker {@link SessionCommands}'. Every
 * change of status is also an event on its timeline, and told to the {@link #onChange} listeners.
 */
@Component
public class Sessions {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SessionStore store;
    private final SessionHosts hosts;
    private final SessionCommands commands;
    private final SessionChanges changes;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final SessionProperties props;
    private final Duration lease;
    private final Instant startedAt;

    /** A session's status changed (or it got output), for the session step and notifications. */
    public record SessionChange(UUID orgId, Session session, String event) {
    }

    Sessions(SessionStore store, SessionHosts hosts, SessionCommands commands, SessionChanges changes, TransactionTemplate tx, JdbcClient jdbc,
            Clock clock, SessionProperties props, WorkerProperties workerProps) {
        this.store = store;
        this.hosts = hosts;
        this.commands = commands;
        this.changes = changes;
        this.tx = tx;
        this.jdbc = jdbc;
        this.clock = clock;
        this.props = props;
        this.lease = workerProps.heartbeatTimeout();
        this.startedAt = clock.instant();
    }

    public void onChange(Consumer<SessionChange> listener) {
        changes.listen(listener);
    }

    public Optional<Session> find(UUID orgId, UUID id) {
        return store.find(orgId, id);
    }

    /** A new {@code pending} session; 422 when no host offers the template, 429 at the organization's cap. */
    public Session create(UUID orgId, UUID projectId, String template, String prompt, List<String> labels, JsonNode metadata, UUID runId,
            String stepId) {
        if (!hosts.offered(orgId, template)) {
            throw ApiException.fieldErrors(Map.of("template", List.of("no worker of this organization offers the template '"
                    + template + "' (see GET /api/v1/session-templates)")));
        }
        UUID id = UUID.randomUUID();
        tx.executeWithoutResult(status -> {
            jdbc.sql("select pg_advisory_xact_lock(hashtextextended('sessions:' || cast(:org as text), 0))").param("org", orgId)
                    .query(Object.class).optional();
            long live = store.live(orgId);
            if (live >= props.maxLivePerOrg()) {
                throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_LIVE_SESSIONS", "The organization has " + live
                        + " live sessions, its limit (griddle.session.max-live-per-org)", Map.of("live_sessions", live, "limit",
                        props.maxLivePerOrg()), "Cancel a session, or raise GRIDDLE_SESSION_MAX_LIVE_PER_ORG.");
            }
            Instant now = clock.instant();
            store.insert(orgId, id, projectId, template, prompt, labels, metadata, runId, stepId, now);
            store.event(orgId, id, "status", NODES.objectNode().put("status", "pending"), now);
        });
        changes.changed(orgId, id, "session.created");
        return store.find(orgId, id).orElseThrow();
    }

    /** Asks the worker to end the session (SIGTERM, SIGKILL after the grace period); a pending one ends at once. */
    public Session cancel(UUID orgId, UUID id, String reason) {
        boolean ended = Boolean.TRUE.equals(tx.execute(status -> {
            Session s = store.lock(orgId, id).orElseThrow(() -> ApiException.notFound("session", id));
            if (s.ended()) {
                return false;
            }
            Instant now = clock.instant();
            if (s.workerId() == null || s.status().equals("pending")) {
                store.status(orgId, id, "terminated", null, reason, now);
                store.event(orgId, id, "status", NODES.objectNode().put("status", "terminated").put("reason", reason), now);
                return true;
            }
            store.command(orgId, id, s.workerId(), "cancel", NODES.objectNode().put("grace_ms", props.cancelGrace().toMillis()), now);
            store.event(orgId, id, "cancel_requested", NODES.objectNode().put("reason", reason), now);
            return false;
        }));
        if (ended) {
            changes.changed(orgId, id, "session.terminated");
        }
        return store.find(orgId, id).orElseThrow();
    }

    /** A line on the session's stdin; 409 unless its child runs. */
    public void message(UUID orgId, UUID id, String content) {
        commands.message(orgId, id, content);
    }

    /** Runs a command in the session's working directory and waits for its result; 409 unless the template allows exec. */
    public JsonNode exec(UUID orgId, UUID id, JsonNode command, long timeoutMs) {
        return commands.exec(orgId, id, command, timeoutMs);
    }

    /** Writes or reads a file of the workdir through its worker. */
    public JsonNode file(UUID orgId, UUID id, String kind, ObjectNode body) {
        return commands.file(orgId, id, kind, body);
    }

    /** Drops the workdir (and with it what the child was handed) on its host; the timeline stays. 409 while it runs. */
    public Session archive(UUID orgId, UUID id) {
        tx.executeWithoutResult(status -> {
            Session s = store.lock(orgId, id).orElseThrow(() -> ApiException.notFound("session", id));
            if (!s.ended()) {
                throw ApiException.conflict("Session " + id + " is " + s.status() + ": cancel it before archiving it");
            }
            if (s.archivedAt() != null) {
                return;
            }
            Instant now = clock.instant();
            jdbc.sql("update sessions set archived_at = :now, metadata = metadata, updated_at = :now where org_id = :org and id = :id")
                    .param("now", Sql.ts(now)).param("org", orgId).param("id", id).update();
            if (s.workerId() != null) {
                store.command(orgId, id, s.workerId(), "archive", NODES.objectNode(), now);
            }
            store.event(orgId, id, "archived", NODES.objectNode(), now);
        });
        return store.find(orgId, id).orElseThrow();
    }

    /**
     * Fails the sessions whose worker stopped renewing their lease ({@code host_lost}). Not in the
     * first lease period after this server started: a worker whose leases ran out while the server
     * was down gets that long to come back and renew them.
     */
    int reapLost() {
        Instant now = clock.instant();
        if (now.isBefore(startedAt.plus(lease))) {
            return 0;
        }
        List<Object[]> lost = jdbc.sql("select org_id, id from sessions where status in " + SessionStore.PLACED
                        + " and lease_expires_at < :now order by lease_expires_at limit 100")
                .param("now", Sql.ts(now))
                .query((rs, n) -> new Object[] {rs.getObject("org_id", UUID.class), rs.getObject("id", UUID.class)}).list();
        int n = 0;
        for (Object[] row : lost) {
            UUID orgId = (UUID) row[0];
            UUID id = (UUID) row[1];
            boolean failed = Boolean.TRUE.equals(tx.execute(status -> {
                Session s = store.lock(orgId, id).orElse(null);
                Instant t = clock.instant();
                if (s == null || !s.placed()) {
                    return false;
                }
                Instant expires = jdbc.sql("select lease_expires_at from sessions where id = :id").param("id", id)
                        .query(Timestamp.class).single().toInstant();
                if (!expires.isBefore(t)) {
                    return false;
                }
                store.status(orgId, id, "failed", null, "host_lost", t);
                store.event(orgId, id, "status", NODES.objectNode().put("status", "failed").put("reason", "host_lost"), t);
                return true;
            }));
            if (failed) {
                n++;
                changes.changed(orgId, id, "session.failed");
            }
        }
        return n;
    }

    /** Deletes the timelines (and rows) of sessions that ended before {@code cutoff}. */
    int pruneEndedBefore(Instant cutoff) {
        return jdbc.sql("delete from sessions where id in (select id from sessions where ended_at < :cutoff limit 10000)")
                .param("cutoff", Sql.ts(cutoff)).update();
    }
}

package dev.griddle.server.session;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.secret.OrgSecrets;
import dev.griddle.server.secret.SecretException;
import dev.griddle.server.secret.SecretUse;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.worker.WorkerProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * What a session goes through, shared by the public API, the worker protocol and the
 * {@code session} step: creation (under the organization's cap on live sessions), placement on a
 * polling worker, commands for its worker and their results, its reports, and {@code host_lost}
 * when its lease runs out. Every change of status is also an event on its timeline.
 */
@Component
public class Sessions {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long POLL_STEP_MILLIS = 250;
    private static final int MAX_COMMANDS = 100;

    private final SessionStore store;
    private final SessionHosts hosts;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final SessionProperties props;
    private final Duration lease;
    private final OrgSecrets secrets;
    private final Instant startedAt;
    private final List<Consumer<SessionChange>> listeners = new CopyOnWriteArrayList<>();

    /** A session's status changed (or it got output), for the session step and notifications. */
    public record SessionChange(UUID orgId, Session session, String event) {
    }

    Sessions(SessionStore store, SessionHosts hosts, TransactionTemplate tx, JdbcClient jdbc, Clock clock, SessionProperties props,
            WorkerProperties workerProps, OrgSecrets secrets) {
        this.store = store;
        this.hosts = hosts;
        this.tx = tx;
        this.jdbc = jdbc;
        this.clock = clock;
        this.props = props;
        this.lease = workerProps.heartbeatTimeout();
        this.secrets = secrets;
        this.startedAt = clock.instant();
    }

    public void onChange(Consumer<SessionChange> listener) {
        listeners.add(listener);
    }

    private void changed(UUID orgId, UUID id, String event) {
        if (listeners.isEmpty()) {
            return;
        }
        store.find(orgId, id).ifPresent(s -> listeners.forEach(l -> {
            try {
                l.accept(new SessionChange(orgId, s, event));
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Sessions.class).warn("Session listener failed for {}", id, e);
            }
        }));
    }

    public Optional<Session> find(UUID orgId, UUID id) {
        return store.find(orgId, id);
    }

    /** A new {@code pending} session; 422 when no host offers the template, 429 at the organization's cap. */
    public Session create(UUID orgId, UUID projectId, String template, String prompt, List<String> labels, JsonNode metadata, UUID runId,
            String stepId) {
        if (!hosts.offered(orgId, template)) {
            throw ApiException.fieldErrors(java.util.Map.of("template", List.of("no worker of this organization offers the template '"
                    + template + "' (see GET /api/v1/session-templates)")));
        }
        UUID id = UUID.randomUUID();
        tx.executeWithoutResult(status -> {
            jdbc.sql("select pg_advisory_xact_lock(hashtextextended('sessions:' || cast(:org as text), 0))").param("org", orgId)
                    .query(Object.class).optional();
            long live = store.live(orgId);
            if (live >= props.maxLivePerOrg()) {
                throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_LIVE_SESSIONS", "The organization has " + live
                        + " live sessions, its limit (griddle.session.max-live-per-org)", java.util.Map.of("live_sessions", live, "limit",
                        props.maxLivePerOrg()), "Cancel a session, or raise GRIDDLE_SESSION_MAX_LIVE_PER_ORG.");
            }
            Instant now = clock.instant();
            store.insert(orgId, id, projectId, template, prompt, labels, metadata, runId, stepId, now);
            store.event(orgId, id, "status", NODES.objectNode().put("status", "pending"), now);
        });
        changed(orgId, id, "session.created");
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
            changed(orgId, id, "session.terminated");
        }
        return store.find(orgId, id).orElseThrow();
    }

    /** A line on the session's stdin; 409 unless its child runs. */
    public void message(UUID orgId, UUID id, String content) {
        tx.executeWithoutResult(status -> {
            Session s = store.lock(orgId, id).orElseThrow(() -> ApiException.notFound("session", id));
            requirePlaced(s, "take messages");
            Instant now = clock.instant();
            store.command(orgId, id, s.workerId(), "message", NODES.objectNode().put("content", content), now);
            store.event(orgId, id, "message", NODES.objectNode().put("content", content), now);
        });
    }

    /** Runs a command in the session's working directory and waits for its result; 409 unless the template allows exec. */
    public JsonNode exec(UUID orgId, UUID id, JsonNode command, long timeoutMs) {
        long commandId = tx.execute(status -> {
            Session s = store.lock(orgId, id).orElseThrow(() -> ApiException.notFound("session", id));
            requirePlaced(s, "exec");
            if (!s.execAllowed()) {
                throw ApiException.conflict("The template '" + s.template() + "' does not allow exec: its host's operator has not set exec: true");
            }
            ObjectNode body = NODES.objectNode().put("timeout_ms", timeoutMs);
            body.set("command", command);
            return store.command(orgId, id, s.workerId(), "exec", body, clock.instant());
        });
        return await(orgId, commandId, Duration.ofMillis(timeoutMs).plus(props.commandTimeout()));
    }

    /** Writes or reads a file of the workdir through its worker. */
    public JsonNode file(UUID orgId, UUID id, String kind, ObjectNode body) {
        long commandId = tx.execute(status -> {
            Session s = store.lock(orgId, id).orElseThrow(() -> ApiException.notFound("session", id));
            requirePlaced(s, "move files");
            return store.command(orgId, id, s.workerId(), kind, body, clock.instant());
        });
        return await(orgId, commandId, props.commandTimeout());
    }

    private JsonNode await(UUID orgId, long commandId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Optional<JsonNode> result = store.commandResult(orgId, commandId);
                if (result.isPresent()) {
                    store.dropCommand(orgId, commandId);
                    if (result.get().has("error")) {
                        throw ApiException.validation("SESSION_COMMAND_FAILED", "The worker refused: " + result.get().path("error").asString(),
                                java.util.Map.of());
                    }
                    return result.get();
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.dropCommand(orgId, commandId);
        throw new ApiException(HttpStatus.GATEWAY_TIMEOUT, "SESSION_COMMAND_TIMEOUT", "The session's worker did not answer within " + timeout,
                java.util.Map.of(), "Check the worker (GET /api/v1/workers/{id}) and try again.");
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
                    .param("now", dev.griddle.server.store.Sql.ts(now)).param("org", orgId).param("id", id).update();
            if (s.workerId() != null) {
                store.command(orgId, id, s.workerId(), "archive", NODES.objectNode(), now);
            }
            store.event(orgId, id, "archived", NODES.objectNode(), now);
        });
        return store.find(orgId, id).orElseThrow();
    }

    private static void requirePlaced(Session s, String what) {
        if (!s.placed()) {
            throw ApiException.conflict("Session " + s.id() + " is " + s.status() + ": only a starting, running or idle session can " + what);
        }
    }

    // ---- the worker protocol ----

    record Lease(UUID id, long leaseToken) {
    }

    record PollAnswer(List<JsonNode> commands, List<UUID> lost) {
    }

    /**
     * Renews the leases the worker holds, places pending sessions on its free pod slots and hands out
     * its waiting commands; waits up to {@code waitMillis} while there is nothing to say.
     */
    PollAnswer poll(UUID orgId, ProjectScope scope, UUID workerId, List<Lease> leases, long waitMillis, java.util.function.BooleanSupplier open)
            throws InterruptedException {
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        List<Lease> held = leases;
        List<UUID> lost = new ArrayList<>();
        while (true) {
            List<Lease> current = held;
            List<JsonNode> commands = new ArrayList<>();
            List<UUID> changed = new ArrayList<>();
            tx.executeWithoutResult(status -> {
                Instant now = clock.instant();
                hosts.heartbeat(orgId, workerId, now);
                hosts.lock(orgId, workerId);
                SessionHosts.Host host = hosts.find(orgId, workerId, now, lease).orElseThrow(() -> ApiException.notFound("worker", workerId));
                for (Lease l : current) {
                    int renewed = jdbc.sql("update sessions set lease_expires_at = :until where org_id = :org and id = :id and worker_id = :w "
                                    + "and lease_token = :token and status in " + SessionStore.PLACED)
                            .param("until", dev.griddle.server.store.Sql.ts(now.plus(lease))).param("org", orgId).param("id", l.id())
                            .param("w", workerId).param("token", l.leaseToken()).update();
                    if (renewed == 0) {
                        lost.add(l.id());
                    }
                }
                if (!host.draining()) {
                    int free = host.maxPods() - hosts.podCount(workerId);
                    if (free > 0) {
                        commands.addAll(place(orgId, scope, host, free, now, changed));
                    }
                }
                for (SessionStore.Command c : store.deliver(orgId, workerId, MAX_COMMANDS, now)) {
                    ObjectNode command = (ObjectNode) c.body().deepCopy();
                    command.put("kind", c.kind()).put("session_id", c.sessionId().toString()).put("command_id", c.id());
                    commands.add(command);
                }
            });
            changed.forEach(id -> changed(orgId, id, "session.starting"));
            held = current.stream().filter(l -> !lost.contains(l.id())).toList();
            long remaining = (deadline - System.nanoTime()) / 1_000_000;
            if (!commands.isEmpty() || !lost.isEmpty() || remaining <= 0 || !open.getAsBoolean()) {
                return new PollAnswer(commands, lost);
            }
            Thread.sleep(Math.min(remaining, POLL_STEP_MILLIS));
            held = List.of(); // renewed once per poll; the lease outlasts the longest wait
        }
    }

    private List<JsonNode> place(UUID orgId, ProjectScope scope, SessionHosts.Host host, int free, Instant now, List<UUID> placed) {
        List<String> names = new ArrayList<>();
        host.templates().forEach(t -> names.add(t.path("name").asString()));
        List<Session> pending = jdbc.sql("""
                select * from sessions where org_id = :org and status = 'pending' and template = any(cast(:names as text[])) and labels <@ cast(:labels as text[])
                  and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
                order by created_at limit :free for update skip locked
                """).param("org", orgId).param("names", names.toArray(String[]::new)).param("labels", host.labels().toArray(String[]::new))
                .param("projects", scope.sqlArray()).param("free", free).query(store::session).list();
        List<JsonNode> starts = new ArrayList<>();
        for (Session s : pending) {
            JsonNode template = host.template(s.template());
            long token = s.leaseToken() + 1;
            jdbc.sql("""
                    update sessions set status = 'starting', worker_id = :w, lease_token = :token, lease_expires_at = :until,
                        exec_allowed = :exec, updated_at = :now where id = :id
                    """).param("w", host.id()).param("token", token).param("until", dev.griddle.server.store.Sql.ts(now.plus(lease)))
                    .param("exec", template.path("exec").asBoolean(false)).param("now", dev.griddle.server.store.Sql.ts(now)).param("id", s.id())
                    .update();
            store.event(orgId, s.id(), "status", NODES.objectNode().put("status", "starting").put("worker_id", host.id().toString())
                    .put("worker_name", host.name()), now);
            ObjectNode start = NODES.objectNode().put("kind", "start").put("session_id", s.id().toString()).put("lease_token", token)
                    .put("template", s.template()).put("initial_prompt", s.initialPrompt());
            try {
                start.set("env", env(orgId, s.projectId(), template.path("env_secrets")));
            } catch (SecretException | IllegalStateException e) {
                store.status(orgId, s.id(), "failed", null, "secret_unavailable", now);
                store.event(orgId, s.id(), "status", NODES.objectNode().put("status", "failed").put("reason", "secret_unavailable")
                        .put("message", e.getMessage()), now);
                continue;
            }
            placed.add(s.id());
            starts.add(start);
        }
        return starts;
    }

    /** The template's {@code env_secrets} as values, each a secret available to the session's project. */
    private ObjectNode env(UUID orgId, UUID projectId, JsonNode names) {
        ObjectNode env = NODES.objectNode();
        if (!names.isArray() || names.isEmpty()) {
            return env;
        }
        SecretUse use = SecretUse.once(orgId, projectId);
        ObjectNode placeholders = secrets.placeholders(use);
        for (JsonNode n : names) {
            String name = n.asString();
            if (!placeholders.has(name)) {
                throw new IllegalStateException("the template needs the secret '" + name + "', which is not available to the session's project");
            }
            env.put(name, secrets.reveal(use, StringNode.valueOf(placeholders.path(name).asString())).asString());
        }
        return env;
    }

    /** Applies one session's report: its events in order, each once. False when the worker no longer holds the session. */
    boolean report(UUID orgId, ProjectScope scope, UUID workerId, UUID id, long leaseToken, JsonNode events) {
        List<String> notify = new ArrayList<>();
        boolean held = Boolean.TRUE.equals(tx.execute(status -> {
            Optional<Session> found = store.lock(orgId, id);
            if (found.isEmpty()) {
                return false;
            }
            Session s = found.get();
            if (!workerId.equals(s.workerId()) || s.leaseToken() != leaseToken || !s.placed() || !scope.sees(s.projectId())) {
                return false;
            }
            Instant now = clock.instant();
            long applied = s.reportSeq();
            String current = s.status();
            for (JsonNode e : events) {
                long seq = e.path("seq").asLong();
                if (seq <= applied) {
                    continue;
                }
                applied = seq;
                switch (e.path("type").asString()) {
                    case "output" -> store.event(orgId, id, "output", NODES.objectNode().put("stream", e.path("stream").asString("stdout"))
                            .put("line", e.path("line").asString()), now);
                    case "status" -> {
                        String next = e.path("status").asString();
                        if (!List.of("running", "idle", "terminated", "failed").contains(next) || next.equals(current)) {
                            continue;
                        }
                        Integer code = e.has("exit_code") ? e.path("exit_code").asInt() : null;
                        String reason = e.has("reason") ? e.path("reason").asString() : null;
                        store.status(orgId, id, next, code, reason, now);
                        ObjectNode data = NODES.objectNode().put("status", next);
                        if (code != null) {
                            data.put("exit_code", code);
                        }
                        if (reason != null) {
                            data.put("reason", reason);
                        }
                        store.event(orgId, id, "status", data, now);
                        current = next;
                        notify.add("session." + next);
                    }
                    case "result" -> {
                        long commandId = e.path("command_id").asLong();
                        JsonNode result = e.path("result");
                        if (store.commandDone(orgId, id, commandId, result, now).filter("exec"::equals).isPresent() && result.isObject()) {
                            ObjectNode data = NODES.objectNode().put("command_id", commandId);
                            data.setAll((ObjectNode) result.deepCopy());
                            store.event(orgId, id, "exec_result", data, now);
                        }
                    }
                    default -> {
                        // an event this server does not know (a newer worker): skipped, but counted as applied
                    }
                }
                if (current.equals("terminated") || current.equals("failed")) {
                    break;
                }
            }
            boolean ended = current.equals("terminated") || current.equals("failed");
            jdbc.sql("update sessions set report_seq = :seq, lease_expires_at = cast(:until as timestamptz) where id = :id")
                    .param("seq", applied).param("until", ended ? null : dev.griddle.server.store.Sql.ts(now.plus(lease)))
                    .param("id", id).update();
            return true;
        }));
        notify.forEach(event -> changed(orgId, id, event));
        return held;
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
                .param("now", dev.griddle.server.store.Sql.ts(now))
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
                        .query(java.sql.Timestamp.class).single().toInstant();
                if (!expires.isBefore(t)) {
                    return false;
                }
                store.status(orgId, id, "failed", null, "host_lost", t);
                store.event(orgId, id, "status", NODES.objectNode().put("status", "failed").put("reason", "host_lost"), t);
                return true;
            }));
            if (failed) {
                n++;
                changed(orgId, id, "session.failed");
            }
        }
        return n;
    }

    /** Deletes the timelines (and rows) of sessions that ended before {@code cutoff}. */
    int pruneEndedBefore(Instant cutoff) {
        return jdbc.sql("delete from sessions where id in (select id from sessions where ended_at < :cutoff limit 10000)")
                .param("cutoff", dev.griddle.server.store.Sql.ts(cutoff)).update();
    }
}

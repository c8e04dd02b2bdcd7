package dev.griddle.server.session;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.store.Sql;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.worker.WorkerProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server's side of the worker protocol for sessions: a poll renews the leases the worker
 * holds, places pending sessions on it ({@link SessionPlacement}) and hands out its waiting
 * commands; a report applies a session's numbered events (output, status changes, command
 * results) in order, each once, from the worker that holds its current lease.
 */
@Component
class SessionProtocol {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long POLL_STEP_MILLIS = 250;
    private static final int MAX_COMMANDS = 100;

    private final SessionStore store;
    private final SessionHosts hosts;
    private final SessionPlacement placement;
    private final SessionChanges changes;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration lease;

    SessionProtocol(SessionStore store, SessionHosts hosts, SessionPlacement placement, SessionChanges changes, TransactionTemplate tx,
            JdbcClient jdbc, Clock clock, WorkerProperties workerProps) {
        this.store = store;
        this.hosts = hosts;
        this.placement = placement;
        this.changes = changes;
        this.tx = tx;
        this.jdbc = jdbc;
        this.clock = clock;
        this.lease = workerProps.heartbeatTimeout();
    }

    record Lease(UUID id, long leaseToken) {
    }

    record PollAnswer(List<JsonNode> commands, List<UUID> lost) {
    }

    /**
     * Renews the leases the worker holds, places pending sessions on its free pod slots and hands out
     * its waiting commands; waits up to {@code waitMillis} while there is nothing to say.
     */
    PollAnswer poll(UUID orgId, ProjectScope scope, UUID workerId, List<Lease> leases, long waitMillis, BooleanSupplier open)
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
                            .param("until", Sql.ts(now.plus(lease))).param("org", orgId).param("id", l.id())
                            .param("w", workerId).param("token", l.leaseToken()).update();
                    if (renewed == 0) {
                        lost.add(l.id());
                    }
                }
                if (!host.draining()) {
                    int free = host.maxPods() - hosts.podCount(workerId);
                    if (free > 0) {
                        commands.addAll(placement.place(orgId, scope, host, free, now, changed));
                    }
                }
                for (SessionStore.Command c : store.deliver(orgId, workerId, MAX_COMMANDS, now)) {
                    ObjectNode command = (ObjectNode) c.body().deepCopy();
                    command.put("kind", c.kind()).put("session_id", c.sessionId().toString()).put("command_id", c.id());
                    commands.add(command);
                }
            });
            changed.forEach(id -> changes.changed(orgId, id, "session.starting"));
            held = current.stream().filter(l -> !lost.contains(l.id())).toList();
            long remaining = (deadline - System.nanoTime()) / 1_000_000;
            if (!commands.isEmpty() || !lost.isEmpty() || remaining <= 0 || !open.getAsBoolean()) {
                return new PollAnswer(commands, lost);
            }
            Thread.sleep(Math.min(remaining, POLL_STEP_MILLIS));
            held = List.of(); // renewed once per poll; the lease outlasts the longest wait
        }
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
                    .param("seq", applied).param("until", ended ? null : Sql.ts(now.plus(lease)))
                    .param("id", id).update();
            return true;
        }));
        notify.forEach(event -> changes.changed(orgId, id, event));
        return held;
    }
}

package dev.griddle.sdk.worker;

import dev.griddle.sdk.RawResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The session supervisor of a worker host: long-polls {@code POST /workers/{id}/sessions/poll} for
 * commands (start, message, exec, cancel, put_file, get_file, archive), which also renews the lease
 * of every session it runs; runs each session's child with {@link ProcessBuilder} (an argv, never a
 * shell) in a working directory of its own ({@link SessionChild}, {@link SessionWorkdirs}); and
 * reports each session's output lines, status changes and command results in order with
 * {@code POST /workers/{id}/sessions/report} ({@link SessionReporter}, {@link SessionOutbox}). Every
 * report event carries a sequence number per session, so a report retried after a lost answer is
 * applied once. While the server is unreachable the children keep running and their output waits
 * in a bounded outbox (a full outbox stops reading the child's pipes): a server restart loses
 * nothing. A session the server calls lost (its lease ended) is killed at once.
 */
final class SessionHost {

    private static final Logger log = Logger.getLogger(SessionHost.class.getName());

    private final WorkerHttp http;
    private final Map<String, SessionTemplate> templates;
    private final SessionWorkdirs workdirs;
    private final Map<String, String> baseEnv;
    private final Duration pollWait;
    private final Map<UUID, SessionChild> children = new ConcurrentHashMap<>();
    private volatile UUID workerId;
    private volatile boolean polling = true;
    private Thread poller;
    private Thread reporter;

    SessionHost(WorkerHttp http, List<SessionTemplate> templates, Path root, Map<String, String> baseEnv, Duration pollWait) {
        this.http = http;
        this.templates = new LinkedHashMap<>();
        templates.forEach(t -> this.templates.put(t.name(), t));
        this.workdirs = new SessionWorkdirs(root);
        this.baseEnv = Map.copyOf(baseEnv);
        this.pollWait = pollWait;
    }

    /** The templates as the worker announces them when it registers. */
    ArrayNode announce() {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (SessionTemplate t : templates.values()) {
            ObjectNode o = list.addObject().put("name", t.name()).put("exec", t.exec()).put("idle_after_ms", t.idleAfterMs())
                    .put("max_duration_ms", t.maxDurationMs()).put("max_output_bytes", t.maxOutputBytes());
            t.labels().forEach(o.putArray("labels")::add);
            t.envSecrets().forEach(o.putArray("env_secrets")::add);
        }
        return list;
    }

    void start(UUID workerId) {
        this.workerId = workerId;
        workdirs.createRoot();
        poller = Thread.ofVirtual().name("griddle-session-poll").start(this::pollLoop);
        reporter = Thread.ofVirtual().name("griddle-session-report").start(new SessionReporter(http, workerId, children, () -> polling, this::lost)::run);
    }

    int pods() {
        return children.size();
    }

    private void pollLoop() {
        long backoff = 0;
        while (polling) {
            try {
                if (backoff > 0) {
                    Thread.sleep(backoff);
                }
                ObjectNode body = JsonNodeFactory.instance.objectNode().put("wait_ms", pollWait.toMillis());
                ArrayNode leases = body.putArray("sessions");
                children.values().forEach(p -> leases.addObject().put("id", p.id.toString()).put("lease_token", p.leaseToken));
                RawResponse response = http.post("/api/v1/workers/" + workerId + "/sessions/poll", body, Duration.ofDays(365), () -> polling);
                if (response == null) {
                    continue;
                }
                if (response.status() != 200) {
                    log.warning(() -> "Session poll answered " + response.status() + " " + response.body());
                    backoff = Math.min(Math.max(1000, backoff * 2), 10_000);
                    continue;
                }
                backoff = 0;
                JsonNode answer = WorkerHttp.JSON.readTree(response.body());
                answer.path("lost").forEach(id -> lost(UUID.fromString(id.asString())));
                for (JsonNode command : answer.path("commands")) {
                    handle(command);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.log(Level.WARNING, "Session poll failed", e);
                backoff = Math.min(Math.max(1000, backoff * 2), 30_000);
            }
        }
    }

    private void handle(JsonNode command) {
        String kind = command.path("kind").asString();
        UUID session = UUID.fromString(command.path("session_id").asString());
        long commandId = command.path("command_id").asLong();
        if (kind.equals("start")) {
            startChild(session, command);
            return;
        }
        if (kind.equals("archive")) {
            SessionChild child = children.get(session);
            if (child != null) {
                child.stop("archived", SessionChild.CANCEL_GRACE_MS);
            }
            workdirs.delete(session);
            return;
        }
        SessionChild child = children.get(session);
        if (child == null) {
            log.fine(() -> "Command " + kind + " for session " + session + ", which this host does not run; ignored");
            return;
        }
        switch (kind) {
            case "message" -> child.send(command.path("content").asString());
            case "cancel" -> Thread.ofVirtual().start(() -> child.stop("cancelled", command.path("grace_ms").asLong(SessionChild.CANCEL_GRACE_MS)));
            case "exec" -> Thread.ofVirtual().name("griddle-exec-" + session).start(() -> child.exec(commandId, command));
            case "put_file" -> child.result(commandId, child.putFile(command));
            case "get_file" -> child.result(commandId, child.getFile(command));
            default -> child.result(commandId, error("this worker does not know the command '" + kind + "'"));
        }
    }

    private void lost(UUID session) {
        SessionChild child = children.remove(session);
        if (child != null) {
            log.warning(() -> "The server says session " + session + " is no longer this host's (its lease was lost); killing it");
            child.abandon();
        }
    }

    private void startChild(UUID session, JsonNode command) {
        long token = command.path("lease_token").asLong();
        SessionChild existing = children.get(session);
        if (existing != null) {
            existing.leaseToken = token;
            return;
        }
        SessionTemplate template = templates.get(command.path("template").asString());
        SessionChild child = new SessionChild(session, token, template, baseEnv, c -> children.remove(c.id, c));
        children.put(session, child);
        if (template == null) {
            child.finish("failed", null, "this host has no template '" + command.path("template").asString() + "'");
            return;
        }
        child.launch(workdirs.of(session), command.path("initial_prompt").asString(""), command.path("env"));
    }

    /** Stops polling, ends every child (cancel, then kill after the grace period) and reports what it can. */
    void close() {
        polling = false;
        if (poller == null) {
            return;
        }
        poller.interrupt();
        List<Thread> stops = new ArrayList<>();
        for (SessionChild child : children.values()) {
            stops.add(Thread.ofVirtual().start(() -> child.stop("worker_stopped", SessionChild.CANCEL_GRACE_MS)));
        }
        try {
            for (Thread t : stops) {
                t.join(Duration.ofMillis(SessionChild.CANCEL_GRACE_MS + 3000));
            }
            reporter.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            reporter.interrupt();
            children.values().forEach(SessionChild::kill);
        }
    }

    static ObjectNode error(String message) {
        return JsonNodeFactory.instance.objectNode().put("error", message);
    }

    /** Deletes the working directories of sessions this host no longer runs, older than {@code retention}. */
    void cleanWorkdirs(Duration retention) {
        workdirs.clean(retention, children::containsKey);
    }
}

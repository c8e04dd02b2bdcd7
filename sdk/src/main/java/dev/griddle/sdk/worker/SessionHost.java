package dev.griddle.sdk.worker;

import dev.griddle.sdk.RawResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The session supervisor of a worker host: long-polls {@code POST /workers/{id}/sessions/poll} for
 * commands (start, message, exec, cancel, put_file, get_file, archive), which also renews the lease
 * of every session it runs; runs each session's child with {@link ProcessBuilder} (an argv, never a
 * shell) in a working directory of its own; and reports each session's output lines, status
 * changes and command results in order with {@code POST /workers/{id}/sessions/report}. Every
 * report event carries a sequence number per session, so a report retried after a lost answer is
 * applied once. While the server is unreachable the children keep running and their output waits
 * in a bounded outbox (a full outbox stops reading the child's pipes): a server restart loses
 * nothing. A session the server calls lost (its lease ended) is killed at once.
 */
final class SessionHost {

    private static final Logger log = Logger.getLogger(SessionHost.class.getName());
    /** Events waiting per session before its readers block (and so the child, on a full pipe). */
    static final int OUTBOX_LIMIT = 5000;
    static final int REPORT_BATCH = 500;
    static final int MAX_LINE = 16 * 1024;
    static final int EXEC_OUTPUT_CAP = 64 * 1024;
    static final int FILE_CAP = 1024 * 1024;
    static final long CANCEL_GRACE_MS = 5000;

    private final WorkerHttp http;
    private final Map<String, SessionTemplate> templates;
    private final Path root;
    private final Map<String, String> baseEnv;
    private final Duration pollWait;
    private final Map<UUID, Pod> pods = new ConcurrentHashMap<>();
    private volatile UUID workerId;
    private volatile boolean polling = true;
    private Thread poller;
    private Thread reporter;

    SessionHost(WorkerHttp http, List<SessionTemplate> templates, Path root, Map<String, String> baseEnv, Duration pollWait) {
        this.http = http;
        this.templates = new java.util.LinkedHashMap<>();
        templates.forEach(t -> this.templates.put(t.name(), t));
        this.root = root;
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
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the session directory " + root, e);
        }
        poller = Thread.ofVirtual().name("griddle-session-poll").start(this::pollLoop);
        reporter = Thread.ofVirtual().name("griddle-session-report").start(this::reportLoop);
    }

    int pods() {
        return pods.size();
    }

    // ---- polling ----

    private void pollLoop() {
        long backoff = 0;
        while (polling) {
            try {
                if (backoff > 0) {
                    Thread.sleep(backoff);
                }
                ObjectNode body = JsonNodeFactory.instance.objectNode().put("wait_ms", pollWait.toMillis());
                ArrayNode leases = body.putArray("sessions");
                pods.values().forEach(p -> leases.addObject().put("id", p.id.toString()).put("lease_token", p.leaseToken));
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
            startPod(session, command);
            return;
        }
        if (kind.equals("archive")) {
            Pod pod = pods.get(session);
            if (pod != null) {
                pod.stop("archived", CANCEL_GRACE_MS);
            }
            deleteTree(root.resolve(session.toString()));
            return;
        }
        Pod pod = pods.get(session);
        if (pod == null) {
            log.fine(() -> "Command " + kind + " for session " + session + ", which this host does not run; ignored");
            return;
        }
        switch (kind) {
            case "message" -> pod.send(command.path("content").asString());
            case "cancel" -> Thread.ofVirtual().start(() -> pod.stop("cancelled", command.path("grace_ms").asLong(CANCEL_GRACE_MS)));
            case "exec" -> Thread.ofVirtual().name("griddle-exec-" + session).start(() -> pod.exec(commandId, command));
            case "put_file" -> pod.result(commandId, pod.putFile(command));
            case "get_file" -> pod.result(commandId, pod.getFile(command));
            default -> pod.result(commandId, error("this worker does not know the command '" + kind + "'"));
        }
    }

    private void lost(UUID session) {
        Pod pod = pods.remove(session);
        if (pod != null) {
            log.warning(() -> "The server says session " + session + " is no longer this host's (its lease was lost); killing it");
            pod.lost = true;
            pod.kill();
        }
    }

    private void startPod(UUID session, JsonNode command) {
        long token = command.path("lease_token").asLong();
        Pod existing = pods.get(session);
        if (existing != null) {
            existing.leaseToken = token;
            return;
        }
        SessionTemplate template = templates.get(command.path("template").asString());
        Pod pod = new Pod(session, token, template);
        pods.put(session, pod);
        if (template == null) {
            pod.finish("failed", null, "this host has no template '" + command.path("template").asString() + "'");
            return;
        }
        Path workdir = root.resolve(session.toString());
        String prompt = command.path("initial_prompt").asString("");
        List<String> argv = new ArrayList<>();
        boolean promptInArgv = false;
        for (String arg : template.command()) {
            if (arg.equals("{prompt}")) {
                argv.add(prompt);
                promptInArgv = true;
            } else if (arg.equals("{workdir}")) {
                argv.add(workdir.toString());
            } else {
                argv.add(arg);
            }
        }
        try {
            Files.createDirectories(workdir);
            ProcessBuilder builder = new ProcessBuilder(argv).directory(workdir.toFile());
            builder.environment().clear();
            builder.environment().putAll(baseEnv);
            command.path("env").properties().forEach(e -> builder.environment().put(e.getKey(), e.getValue().asString()));
            builder.environment().put("GRIDDLE_SESSION_ID", session.toString());
            pod.workdir = workdir;
            pod.process = builder.start();
        } catch (IOException | RuntimeException e) {
            pod.finish("failed", null, "could not start " + argv.getFirst() + ": " + e.getMessage());
            return;
        }
        pod.status("running", null, null);
        pod.readers.add(Thread.ofVirtual().name("griddle-session-out-" + session).start(() -> pod.read(pod.process.getInputStream(), "stdout")));
        pod.readers.add(Thread.ofVirtual().name("griddle-session-err-" + session).start(() -> pod.read(pod.process.getErrorStream(), "stderr")));
        Thread.ofVirtual().name("griddle-session-wait-" + session).start(pod::awaitExit);
        if (!promptInArgv && !prompt.isEmpty()) {
            pod.send(prompt);
        }
    }

    // ---- reporting ----

    private void reportLoop() {
        while (true) {
            try {
                boolean more = reportOnce(Duration.ofSeconds(10));
                if (!more) {
                    if (!polling && pods.isEmpty()) {
                        return;
                    }
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.log(Level.WARNING, "Session report failed", e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** One report of every pod's waiting events; true when some pod has more waiting. */
    private boolean reportOnce(Duration patience) throws InterruptedException {
        pods.values().forEach(Pod::tick);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode reports = body.putArray("reports");
        Map<Pod, Long> sent = new java.util.HashMap<>();
        boolean more = false;
        for (Pod pod : pods.values()) {
            List<ObjectNode> events = pod.pending(REPORT_BATCH);
            if (events.isEmpty()) {
                continue;
            }
            more |= events.size() == REPORT_BATCH;
            ObjectNode report = reports.addObject().put("session_id", pod.id.toString()).put("lease_token", pod.leaseToken);
            ArrayNode list = report.putArray("events");
            events.forEach(list::add);
            sent.put(pod, events.getLast().path("seq").asLong());
        }
        if (sent.isEmpty()) {
            return false;
        }
        RawResponse response = http.post("/api/v1/workers/" + workerId + "/sessions/report", body, patience, () -> true);
        if (response == null) {
            return false; // the server is away: keep everything, try again
        }
        if (response.status() != 200) {
            log.warning(() -> "Session report answered " + response.status() + " " + response.body());
            return false;
        }
        JsonNode answer = WorkerHttp.JSON.readTree(response.body());
        sent.forEach(Pod::acknowledge);
        answer.path("lost").forEach(id -> lost(UUID.fromString(id.asString())));
        return more;
    }

    /** Stops polling, ends every child (cancel, then kill after the grace period) and reports what it can. */
    void close() {
        polling = false;
        if (poller == null) {
            return;
        }
        poller.interrupt();
        List<Thread> stops = new ArrayList<>();
        for (Pod pod : pods.values()) {
            stops.add(Thread.ofVirtual().start(() -> pod.stop("worker_stopped", CANCEL_GRACE_MS)));
        }
        try {
            for (Thread t : stops) {
                t.join(Duration.ofMillis(CANCEL_GRACE_MS + 3000));
            }
            reporter.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            reporter.interrupt();
            pods.values().forEach(Pod::kill);
        }
    }

    private static ObjectNode error(String message) {
        return JsonNodeFactory.instance.objectNode().put("error", message);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warning(() -> "Cannot delete " + p + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            log.warning(() -> "Cannot delete " + dir + ": " + e.getMessage());
        }
    }

    /** Deletes the working directories of sessions this host no longer runs, older than {@code retention}. */
    void cleanWorkdirs(Duration retention) {
        if (!Files.isDirectory(root)) {
            return;
        }
        long cutoff = System.currentTimeMillis() - retention.toMillis();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).forEach(dir -> {
                try {
                    UUID id = UUID.fromString(dir.getFileName().toString());
                    if (!pods.containsKey(id) && Files.getLastModifiedTime(dir).toMillis() < cutoff) {
                        deleteTree(dir);
                    }
                } catch (IllegalArgumentException | IOException e) {
                    // not a session's directory: leave it
                }
            });
        } catch (IOException e) {
            log.warning(() -> "Cannot list " + root + ": " + e.getMessage());
        }
    }

    /** One session's child and its outbox of numbered events. */
    final class Pod {
        final UUID id;
        final SessionTemplate template;
        volatile long leaseToken;
        volatile Process process;
        volatile Path workdir;
        volatile boolean lost;
        final List<Thread> readers = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final List<ObjectNode> outbox = new ArrayList<>();
        private long seq;
        private final long startedAt = System.nanoTime();
        private volatile long lastOutputAt = System.nanoTime();
        private volatile boolean idle;
        private volatile String stopReason;
        private long outputBytes;
        private boolean finished;

        Pod(UUID id, long leaseToken, SessionTemplate template) {
            this.id = id;
            this.leaseToken = leaseToken;
            this.template = template;
        }

        private synchronized void emit(ObjectNode event) throws InterruptedException {
            while (outbox.size() >= OUTBOX_LIMIT && !lost) {
                wait(1000);
            }
            event.put("seq", ++seq);
            outbox.add(event);
        }

        private void emitQuietly(ObjectNode event) {
            try {
                emit(event);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized List<ObjectNode> pending(int max) {
            return List.copyOf(outbox.subList(0, Math.min(max, outbox.size())));
        }

        synchronized void acknowledge(long upTo) {
            outbox.removeIf(e -> e.path("seq").asLong() <= upTo);
            notifyAll();
            if (finished && outbox.isEmpty()) {
                pods.remove(id, this);
            }
        }

        void status(String status, Integer exitCode, String reason) {
            ObjectNode e = JsonNodeFactory.instance.objectNode().put("type", "status").put("status", status);
            if (exitCode != null) {
                e.put("exit_code", exitCode);
            }
            if (reason != null) {
                e.put("reason", reason);
            }
            emitQuietly(e);
        }

        synchronized void finish(String status, Integer exitCode, String reason) {
            if (finished) {
                return;
            }
            status(status, exitCode, reason);
            finished = true;
        }

        void result(long commandId, ObjectNode result) {
            emitQuietly(JsonNodeFactory.instance.objectNode().put("type", "result").put("command_id", commandId).set("result", result));
        }

        void read(InputStream stream, String name) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lastOutputAt = System.nanoTime();
                    if (line.length() > MAX_LINE) {
                        line = line.substring(0, MAX_LINE);
                    }
                    if (idle) {
                        idle = false;
                        status("running", null, null);
                    }
                    boolean over;
                    synchronized (this) {
                        outputBytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
                        over = template.maxOutputBytes() > 0 && outputBytes > template.maxOutputBytes();
                    }
                    if (over) {
                        stopReason = "max_output";
                        kill();
                        return;
                    }
                    emit(JsonNodeFactory.instance.objectNode().put("type", "output").put("stream", name).put("line", line));
                }
            } catch (IOException e) {
                // the child closed its pipe (or was killed)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitExit() {
            try {
                int code = process.waitFor();
                for (Thread reader : readers) {
                    reader.join(Duration.ofSeconds(5));
                }
                String reason = stopReason;
                if (lost) {
                    return;
                }
                if (reason == null) {
                    finish(code == 0 ? "terminated" : "failed", code, code == 0 ? "exited" : "exit_code");
                } else if (reason.equals("cancelled") || reason.equals("archived")) {
                    finish("terminated", code, reason);
                } else {
                    finish("failed", code, reason);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Idle detection and the duration cap, checked by the reporter a few times a second. */
        void tick() {
            Process p = process;
            if (p == null || !p.isAlive()) {
                return;
            }
            long now = System.nanoTime();
            if (template.maxDurationMs() > 0 && now - startedAt > TimeUnit.MILLISECONDS.toNanos(template.maxDurationMs()) && stopReason == null) {
                stopReason = "max_duration";
                Thread.ofVirtual().start(() -> stop("max_duration", CANCEL_GRACE_MS));
            }
            if (template.idleAfterMs() > 0 && !idle && now - lastOutputAt > TimeUnit.MILLISECONDS.toNanos(template.idleAfterMs())) {
                idle = true;
                status("idle", null, null);
            }
        }

        void send(String content) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                return;
            }
            try {
                OutputStream in = p.getOutputStream();
                synchronized (in) {
                    in.write((content.replace("\r", "").replace("\n", " ") + "\n").getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
            } catch (IOException e) {
                log.fine(() -> "Session " + id + ": stdin closed: " + e.getMessage());
            }
        }

        /** SIGTERM, then SIGKILL (the child's descendants too) after {@code graceMs}. */
        void stop(String reason, long graceMs) {
            Process p = process;
            if (stopReason == null || reason.equals("cancelled")) {
                stopReason = reason;
            }
            if (p == null || !p.isAlive()) {
                return;
            }
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            try {
                if (!p.waitFor(Math.max(0, graceMs), TimeUnit.MILLISECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
            }
        }

        void kill() {
            Process p = process;
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }

        void exec(long commandId, JsonNode command) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            if (!template.exec()) {
                result(commandId, error("the template '" + template.name() + "' does not allow exec"));
                return;
            }
            List<String> argv = new ArrayList<>();
            JsonNode c = command.path("command");
            if (c.isArray()) {
                c.forEach(a -> argv.add(a.asString()));
            } else {
                argv.addAll(List.of("/bin/sh", "-c", c.asString()));
            }
            long timeout = command.path("timeout_ms").asLong(30_000);
            try {
                ProcessBuilder builder = new ProcessBuilder(argv).directory(workdir.toFile());
                builder.environment().clear();
                builder.environment().putAll(baseEnv);
                Process p = builder.start();
                p.getOutputStream().close();
                Capture out = new Capture(p.getInputStream());
                Capture err = new Capture(p.getErrorStream());
                if (!p.waitFor(timeout, TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                    result.put("timed_out", true);
                }
                result.put("exit_code", p.exitValue()).put("stdout", out.text()).put("stderr", err.text());
            } catch (IOException e) {
                result.put("error", "could not run " + argv.getFirst() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            result(commandId, result);
        }

        private Path inside(String relative) {
            Path base = workdir.toAbsolutePath().normalize();
            Path target = base.resolve(relative).normalize();
            if (!target.startsWith(base) || target.equals(base)) {
                throw new IllegalArgumentException("path '" + relative + "' is outside the session's working directory");
            }
            return target;
        }

        ObjectNode putFile(JsonNode command) {
            try {
                byte[] content = Base64.getDecoder().decode(command.path("content_base64").asString(""));
                if (content.length > FILE_CAP) {
                    return error("file is over " + FILE_CAP + " bytes");
                }
                Path target = inside(command.path("path").asString());
                Files.createDirectories(target.getParent());
                Files.write(target, content);
                return JsonNodeFactory.instance.objectNode().put("size", content.length);
            } catch (IOException | IllegalArgumentException e) {
                return error(e.getMessage());
            }
        }

        ObjectNode getFile(JsonNode command) {
            try {
                Path target = inside(command.path("path").asString());
                if (!Files.isRegularFile(target)) {
                    return JsonNodeFactory.instance.objectNode().put("missing", true);
                }
                long cap = Math.min(FILE_CAP, command.path("max_bytes").asLong(FILE_CAP));
                if (Files.size(target) > cap) {
                    return error("file is over " + cap + " bytes");
                }
                return JsonNodeFactory.instance.objectNode().put("content_base64", Base64.getEncoder().encodeToString(Files.readAllBytes(target)));
            } catch (IOException | IllegalArgumentException e) {
                return error(e.getMessage());
            }
        }
    }

    /** Reads a stream to its end on a virtual thread, keeping the first {@link #EXEC_OUTPUT_CAP} bytes. */
    private static final class Capture {
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        private final Thread thread;

        Capture(InputStream in) {
            thread = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        synchronized (kept) {
                            int room = EXEC_OUTPUT_CAP - kept.size();
                            if (room > 0) {
                                kept.write(buf, 0, Math.min(room, n));
                            }
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        String text() throws InterruptedException {
            thread.join(Duration.ofSeconds(5));
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}

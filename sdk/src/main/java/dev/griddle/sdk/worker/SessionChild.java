package dev.griddle.sdk.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The supervisor of one session's child process: starts it from its template's argv, reads its
 * output lines into the session's {@link SessionOutbox}, writes messages to its stdin, watches idle
 * time, the duration and output caps, and turns its exit (or a stop) into the session's final
 * status. A child whose session was lost is killed and reports nothing more.
 */
final class SessionChild {

    private static final Logger log = Logger.getLogger(SessionChild.class.getName());
    static final int MAX_LINE = 16 * 1024;
    static final long CANCEL_GRACE_MS = 5000;

    final UUID id;
    final SessionTemplate template;
    volatile long leaseToken;
    private final Map<String, String> baseEnv;
    private final Consumer<SessionChild> drained;
    private final SessionOutbox outbox = new SessionOutbox(() -> this.lost);
    private final List<Thread> readers = new CopyOnWriteArrayList<>();
    private volatile Process process;
    private volatile Path workdir;
    private volatile boolean lost;
    private final long startedAt = System.nanoTime();
    private volatile long lastOutputAt = System.nanoTime();
    private volatile boolean idle;
    private volatile String stopReason;
    private long outputBytes;

    /** {@code drained} is told once the final status has been reported and acknowledged. */
    SessionChild(UUID id, long leaseToken, SessionTemplate template, Map<String, String> baseEnv, Consumer<SessionChild> drained) {
        this.id = id;
        this.leaseToken = leaseToken;
        this.template = template;
        this.baseEnv = baseEnv;
        this.drained = drained;
    }

    /**
     * Starts the child in {@code workdir} with the template's argv ({@code {prompt}} and
     * {@code {workdir}} filled in) and only the base environment plus {@code env}; the prompt goes
     * to stdin when the argv does not take it. A child that cannot start ends the session failed.
     */
    void launch(Path workdir, String prompt, JsonNode env) {
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
            env.properties().forEach(e -> builder.environment().put(e.getKey(), e.getValue().asString()));
            builder.environment().put("GRIDDLE_SESSION_ID", id.toString());
            this.workdir = workdir;
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            finish("failed", null, "could not start " + argv.getFirst() + ": " + e.getMessage());
            return;
        }
        status("running", null, null);
        readers.add(Thread.ofVirtual().name("griddle-session-out-" + id).start(() -> read(process.getInputStream(), "stdout")));
        readers.add(Thread.ofVirtual().name("griddle-session-err-" + id).start(() -> read(process.getErrorStream(), "stderr")));
        Thread.ofVirtual().name("griddle-session-wait-" + id).start(this::awaitExit);
        if (!promptInArgv && !prompt.isEmpty()) {
            send(prompt);
        }
    }

    List<ObjectNode> pending(int max) {
        return outbox.pending(max);
    }

    void acknowledge(long upTo) {
        if (outbox.acknowledge(upTo)) {
            drained.accept(this);
        }
    }

    void status(String status, Integer exitCode, String reason) {
        outbox.emitQuietly(statusEvent(status, exitCode, reason));
    }

    /** Reports the session's final status, once; later calls do nothing. */
    void finish(String status, Integer exitCode, String reason) {
        outbox.emitLast(statusEvent(status, exitCode, reason));
    }

    private static ObjectNode statusEvent(String status, Integer exitCode, String reason) {
        ObjectNode e = JsonNodeFactory.instance.objectNode().put("type", "status").put("status", status);
        if (exitCode != null) {
            e.put("exit_code", exitCode);
        }
        if (reason != null) {
            e.put("reason", reason);
        }
        return e;
    }

    void result(long commandId, ObjectNode result) {
        outbox.emitQuietly(JsonNodeFactory.instance.objectNode().put("type", "result").put("command_id", commandId).set("result", result));
    }

    private void read(InputStream stream, String name) {
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
                outbox.emit(JsonNodeFactory.instance.objectNode().put("type", "output").put("stream", name).put("line", line));
            }
        } catch (IOException e) {
            // the child closed its pipe (or was killed)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitExit() {
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

    /** The session's lease was lost: kill the child at once and report nothing more (a full outbox stops blocking). */
    void abandon() {
        lost = true;
        kill();
    }

    void exec(long commandId, JsonNode command) {
        if (!template.exec()) {
            result(commandId, SessionHost.error("the template '" + template.name() + "' does not allow exec"));
            return;
        }
        try {
            result(commandId, SessionExec.run(workdir, baseEnv, command));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    ObjectNode putFile(JsonNode command) {
        return SessionWorkdirs.putFile(workdir, command);
    }

    ObjectNode getFile(JsonNode command) {
        return SessionWorkdirs.getFile(workdir, command);
    }
}

package dev.griddle.server.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packaged server jar ({@code -Dgriddle.server.jar}, set by Failsafe) running as a real child
 * process, for tests that need what an in-JVM server cannot give: SIGKILL, SIGTERM, a second node,
 * an exclusive data directory.
 *
 * <p>The child runs on the JDK running the tests, with only the environment given here for
 * {@code GRIDDLE_*} and {@code SERVER_*} (inherited ones are dropped so a developer's shell cannot
 * change a test). Its stdout and stderr go to {@code target/process-logs/<name>-<n>.log}.
 *
 * <p>{@link #close()} always leaves nothing running: it kills the server, every descendant it ever
 * saw, and the embedded PostgreSQL it started. That one is not a descendant: {@code pg_ctl}
 * daemonizes it, so it is found through {@code <data dir>/postgres/postmaster.pid}, and it survives
 * a SIGKILL of the JVM as an orphan.
 */
public final class ServerProcess implements AutoCloseable {

    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final Path embeddedDataDir;
    private final Set<ProcessHandle> seenDescendants = new LinkedHashSet<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServerProcess(String name, Process process, int port, Path log, Path embeddedDataDir) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
        this.embeddedDataDir = embeddedDataDir;
    }

    /** Starts the server with this environment; {@code SERVER_PORT} defaults to a free port. */
    public static ServerProcess start(String name, Map<String, String> env) {
        return start(name, env, List.of());
    }

    /** Starts the server with this environment and these extra JVM options (before {@code -jar}). */
    public static ServerProcess start(String name, Map<String, String> env, List<String> jvmOptions) {
        Path jar = serverJar();
        Map<String, String> childEnv = new HashMap<>(env);
        int port = Integer.parseInt(childEnv.computeIfAbsent("SERVER_PORT", k -> Integer.toString(freePort())));
        Path log = Path.of("target", "process-logs", name + "-" + STARTS.incrementAndGet() + ".log").toAbsolutePath();
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("GRIDDLE_") || k.startsWith("SERVER_") || k.startsWith("SPRING_"));
            builder.environment().putAll(childEnv);
            String databaseUrl = childEnv.get("GRIDDLE_DATABASE_URL");
            Path embeddedDataDir = databaseUrl == null || databaseUrl.isBlank()
                    ? Path.of(childEnv.getOrDefault("GRIDDLE_DATA_DIR", "./data")).toAbsolutePath() : null;
            return new ServerProcess(name, builder.start(), port, log, embeddedDataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command + ": " + e.getMessage(), e);
        }
    }

    /** A port nobody listened on a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path serverJar() {
        String property = System.getProperty("griddle.server.jar");
        if (property == null) {
            throw new IllegalStateException("System property griddle.server.jar is not set: run process tests with Failsafe (./mvnw verify)");
        }
        Path jar = Path.of(property);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The server jar " + jar + " does not exist: package the server first (./mvnw verify does)");
        }
        return jar;
    }

    /** The java binary of this JVM, so the child runs on the same JDK as the tests. */
    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Waits until {@code GET /healthz} answers 200. Fails at once, with the end of the log, if the
     * process exits first; fails with the end of the log after {@code timeout}.
     */
    public ServerProcess awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with code " + process.exitValue() + " before it was healthy. Log "
                        + log + " ends:\n" + logTail(40));
            }
            if (healthy()) {
                rememberDescendants();
                return this;
            }
            sleep(Duration.ofMillis(100));
        }
        throw new AssertionError(name + " was not healthy within " + timeout + ". Log " + log + " ends:\n" + logTail(40));
    }

    /** Whether {@code GET /healthz} answers 200 right now. */
    public boolean healthy() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/healthz")).timeout(Duration.ofSeconds(2)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while polling " + name, e);
        }
    }

    /** Waits for the process to exit by itself and returns its exit code; fails with the log tail after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout + ". Log " + log + " ends:\n" + logTail(40));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name + " to exit", e);
        }
    }

    /** Sends SIGTERM and returns at once; the server shuts down gracefully. Pair with {@link #awaitExit}. */
    public void terminate() {
        rememberDescendants();
        process.destroy();
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    public int stop() {
        terminate();
        return awaitExit(STOP_TIMEOUT);
    }

    /**
     * SIGKILL to the JVM only, like a crash or the OOM killer: descendants (the embedded PostgreSQL)
     * are left running as orphans, as they would be. Waits until the JVM is gone.
     */
    public void sigkill() {
        rememberDescendants();
        process.destroyForcibly();
        awaitExit(STOP_TIMEOUT);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The running descendants of the server JVM. An embedded PostgreSQL is not among them
     * ({@code pg_ctl} daemonizes it); a server on an external database has none.
     */
    public List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    /** The file holding the process's stdout and stderr. */
    public Path log() {
        return log;
    }

    /** Everything the process has logged so far. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private void rememberDescendants() {
        process.descendants().forEach(seenDescendants::add);
        embeddedPostgres().ifPresent(seenDescendants::add);
    }

    /**
     * The embedded PostgreSQL named by the data dir's {@code postmaster.pid}, if one runs and
     * started after this JVM: a second server refused on a busy data dir must not adopt the first
     * one's. A handle knows its process's start time, so a reused pid is never mistaken for it.
     */
    private Optional<ProcessHandle> embeddedPostgres() {
        if (embeddedDataDir == null) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(embeddedDataDir.resolve("postgres").resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty()
                    : ProcessHandle.of(Long.parseLong(lines.getFirst().trim()))
                            .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
                            .filter(p -> p.info().startInstant().flatMap(t -> process.info().startInstant().map(t::isAfter)).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops the server if it still runs (SIGTERM, then SIGKILL), then every descendant seen at any
     * time that is still alive, including an embedded PostgreSQL orphaned by {@link #sigkill()}.
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            rememberDescendants();
            process.destroy();
            if (!exited(process.toHandle(), Duration.ofSeconds(20))) {
                process.destroyForcibly();
                exited(process.toHandle(), Duration.ofSeconds(10));
            }
        }
        for (ProcessHandle descendant : seenDescendants) {
            if (descendant.isAlive()) {
                descendant.destroy();
                if (!exited(descendant, Duration.ofSeconds(10))) {
                    descendant.destroyForcibly();
                    exited(descendant, Duration.ofSeconds(5));
                }
            }
        }
    }

    private static boolean exited(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", " + baseUrl() + ", log " + log + ")";
    }
}

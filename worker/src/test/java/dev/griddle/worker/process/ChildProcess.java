package dev.griddle.worker.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A packaged jar ({@code -Dgriddle.server.jar} or {@code -Dgriddle.worker.jar}, set by Failsafe)
 * running as a real child process, logging to {@code target/process-logs/<name>-<n>.log}.
 * {@link #close()} leaves nothing running, descendants included (an embedded PostgreSQL, a shell
 * task's children). A lean sibling of the server module's {@code ServerProcess}, whose test
 * classes this module cannot see.
 */
public class ChildProcess implements AutoCloseable {

    private static final AtomicInteger STARTS = new AtomicInteger();

    final String name;
    final Process process;
    final Path log;
    private final Set<ProcessHandle> seen = new LinkedHashSet<>();

    ChildProcess(String name, String jarProperty, Map<String, String> env, List<String> args) {
        String property = System.getProperty(jarProperty);
        if (property == null || !Files.isRegularFile(Path.of(property))) {
            throw new IllegalStateException(jarProperty + " (" + property + ") is not a jar: run with ./mvnw verify -pl server,worker -am");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-jar");
        command.add(property);
        command.addAll(args);
        this.name = name;
        this.log = Path.of("target", "process-logs", name + "-" + STARTS.incrementAndGet() + ".log").toAbsolutePath();
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("GRIDDLE_") || k.startsWith("SERVER_") || k.startsWith("SPRING_"));
            builder.environment().putAll(env);
            this.process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, like a crash: the JVM only; waits until it is gone. */
    public void sigkill() {
        remember();
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM; returns at once. */
    public void terminate() {
        remember();
        process.destroy();
    }

    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout + "; log ends:\n" + logTail(30));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    void remember() {
        process.descendants().forEach(seen::add);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            remember();
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle d : seen) {
            if (d.isAlive()) {
                d.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}

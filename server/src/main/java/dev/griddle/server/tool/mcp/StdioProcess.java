package dev.griddle.server.tool.mcp;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The SDK's stdio transport, supervised: the child starts with a clean environment (only the SDK's
 * short list of inherited variables such as {@code PATH} and {@code HOME}, never the server's
 * secrets), each stderr line goes to the server log prefixed with the server's slug (and the last
 * {@value #STDERR_LINES} are kept for error messages), its exit is noticed at once
 * ({@link #exited()}), and closing it stops the whole process tree, forcibly when it does not
 * stop on SIGTERM within {@link #STOP_WAIT}.
 */
final class StdioProcess extends StdioClientTransport {

    private static final Logger log = LoggerFactory.getLogger(StdioProcess.class);
    static final int STDERR_LINES = 20;
    static final Duration STOP_WAIT = Duration.ofSeconds(5);

    /**
     * The SDK (2.1.0) keeps the child {@link Process} private, and supervision needs it: to notice
     * an exit without waiting for a request to time out, and to stop the child's own children. If a
     * later SDK renames the field, this is null, a dead child is noticed only when a request fails,
     * and {@code McpStdioTest} says so.
     */
    private static final Field PROCESS = processField();

    private final String slug;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private volatile Process process;
    private volatile boolean stopping;

    private final Path workDir;

    StdioProcess(String slug, String command, List<String> args, Path workDir) {
        super(ServerParameters.builder(command).args(args).build(), McpJsonDefaults.getMapper());
        this.slug = slug;
        this.workDir = workDir;
        setStdErrorHandler(this::stderr);
    }

    /**
     * Resolves {@code command} the way the process start will: a path must be an executable file,
     * a bare name must be one on the server's {@code PATH}. Answers why not, or null when it is.
     */
    static String notRunnable(String command) {
        if (command.contains(File.separator)) {
            return Files.isRegularFile(Path.of(command)) && Files.isExecutable(Path.of(command)) ? null
                    : "'" + command + "' is not an executable file on the Griddle server";
        }
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return null;
            }
        }
        return "'" + command + "' was not found on the Griddle server's PATH";
    }

    /**
     * The SDK adds its inherited variables to whatever the builder holds: start from none, not from
     * the server's own; and in the server's own working directory, not the Griddle server's.
     */
    @Override
    protected ProcessBuilder getProcessBuilder() {
        ProcessBuilder builder = new ProcessBuilder();
        builder.environment().clear();
        builder.directory(workDir.toFile());
        return builder;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return super.connect(handler).doOnSuccess(ignored -> watch());
    }

    /**
     * Runs {@code client.initialize()} (which starts the child) while watching the child: one that
     * exits before answering fails the start at once, with its exit code and last stderr lines,
     * instead of after the initialization timeout.
     */
    void initialize(McpSyncClient client) {
        CompletableFuture<Void> initialized = new CompletableFuture<>();
        Thread.ofVirtual().name("mcp-init-" + slug).start(() -> {
            try {
                client.initialize();
                initialized.complete(null);
            } catch (Throwable t) {
                initialized.completeExceptionally(t);
            }
        });
        CompletableFuture.anyOf(initialized, exited).exceptionally(t -> null).join();
        if (initialized.isCompletedExceptionally() && !alive()) {
            // the failure came from the exit; its report (code, stderr) says more than "connection closed"
            try {
                exited.get(1, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException notYet) {
                // report what initialize said instead
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!initialized.isDone() || initialized.isCompletedExceptionally() && exited.isDone()) {
            throw new IllegalStateException("the stdio MCP server '" + slug + "' " + exitReport() + " before it answered initialize");
        }
        try {
            initialized.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Completes with the exit code when the child exits, for whatever reason. */
    CompletableFuture<Integer> exited() {
        return exited;
    }

    /** False once the child has exited; true before it started (nothing to say yet). */
    boolean alive() {
        Process p = process;
        return p == null || p.isAlive();
    }

    /** "exited with code 3; its last stderr lines: ..." for error messages, once {@link #exited()} is done. */
    String exitReport() {
        return exited.isDone() ? exitReport(exited.join()) : "is running";
    }

    @Override
    public Mono<Void> closeGracefully() {
        stopping = true;
        Process p = process;
        List<ProcessHandle> descendants = p == null ? List.of() : p.descendants().toList();
        return super.closeGracefully().timeout(STOP_WAIT).onErrorResume(e -> Mono.empty()).then(Mono.fromRunnable(() -> {
            if (p != null && p.isAlive()) {
                log.warn("MCP stdio server '{}' (pid {}) ignored SIGTERM for {}; killing it", slug, p.pid(), STOP_WAIT);
                p.destroyForcibly();
            }
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }));
    }

    private void watch() {
        Process p = started();
        if (p == null) {
            return;
        }
        process = p;
        log.info("MCP stdio server '{}' started, pid {}", slug, p.pid());
        p.onExit().thenAccept(done -> {
            int code = done.exitValue();
            if (!stopping) {
                log.warn("MCP stdio server '{}' (pid {}) {}", slug, done.pid(), exitReport(code));
            }
            exited.complete(code);
        });
    }

    private String exitReport(int code) {
        synchronized (stderrTail) {
            return "exited with code " + code + (stderrTail.isEmpty() ? "" : "; its last stderr lines: " + String.join(" | ", stderrTail));
        }
    }

    private void stderr(String line) {
        log.info("[mcp:{}] {}", slug, line);
        synchronized (stderrTail) {
            if (stderrTail.size() == STDERR_LINES) {
                stderrTail.removeFirst();
            }
            stderrTail.addLast(line);
        }
    }

    private Process started() {
        if (PROCESS == null) {
            return null;
        }
        try {
            return (Process) PROCESS.get(this);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    private static Field processField() {
        try {
            Field f = StdioClientTransport.class.getDeclaredField("process");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(StdioProcess.class).warn("cannot supervise MCP stdio processes with this MCP SDK ({}); "
                    + "a dead process is noticed only when a request to it times out", e.toString());
            return null;
        }
    }
}

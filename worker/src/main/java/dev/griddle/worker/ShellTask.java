package dev.griddle.worker;

import dev.griddle.sdk.worker.TaskContext;
import dev.griddle.sdk.worker.TaskFailure;
import dev.griddle.sdk.worker.TaskHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The built-in {@code shell} task type. Input: {@code command} (run by {@code /bin/sh -c}) or
 * {@code argv} (a list, run as is), optional {@code env} (object of strings) and {@code timeout_ms}
 * (default 60 s). The child's environment is the task's {@code env} over only the worker's variables
 * named in {@link #DEFAULT_PASS_ENV} (or the worker's {@code --pass-env}), never one starting with
 * {@code GRIDDLE_}: a task's command is written by any runner author, and the worker's own
 * environment holds its key ({@code GRIDDLE_WORKER_KEY}), which claims the organization's tasks. Runs in a fresh temporary directory that is
 * deleted afterwards; stdout and stderr stream to the run as {@code log} events. Output:
 * {@code {exit_code, stdout, stderr}} with the last {@link #TAIL_CHARS} characters of each; a
 * non-zero exit or a timeout fails the task (retryable: the step's retry policy decides) with the
 * tail of stderr.
 */
final class ShellTask implements TaskHandler {

    static final long DEFAULT_TIMEOUT_MS = 60_000;
    static final long MAX_TIMEOUT_MS = 24L * 3600 * 1000;
    static final int TAIL_CHARS = 64 * 1024;
    static final int LOG_LINE_CHARS = 8 * 1024;
    static final List<String> DEFAULT_PASS_ENV = List.of("PATH", "HOME", "LANG", "TZ", "TMPDIR");

    private final Map<String, String> workerEnv;
    private final Set<String> passEnv;

    /** {@code passEnv}: the names of the worker's variables a child sees. */
    ShellTask(Map<String, String> workerEnv, Collection<String> passEnv) {
        this.workerEnv = Map.copyOf(workerEnv);
        this.passEnv = Set.copyOf(passEnv);
    }

    /** The child's environment: the passed variables of the worker, then the task's {@code env}. */
    static Map<String, String> environment(Map<String, String> workerEnv, Set<String> passEnv, JsonNode taskEnv) {
        Map<String, String> out = new HashMap<>();
        workerEnv.forEach((name, value) -> {
            if (passEnv.contains(name) && !name.startsWith("GRIDDLE_")) {
                out.put(name, value);
            }
        });
        for (var field : taskEnv.properties()) {
            if (!field.getValue().isString()) {
                throw new TaskFailure("shell: env." + field.getKey() + " must be a string", false);
            }
            out.put(field.getKey(), field.getValue().asString());
        }
        return out;
    }

    @Override
    public JsonNode handle(JsonNode input, TaskContext context) throws Exception {
        List<String> command = command(input);
        long timeout = input.path("timeout_ms").asLong(DEFAULT_TIMEOUT_MS);
        if (timeout < 1 || timeout > MAX_TIMEOUT_MS) {
            throw new TaskFailure("shell: timeout_ms must be between 1 and " + MAX_TIMEOUT_MS + ", was " + timeout, false);
        }
        Map<String, String> env = environment(workerEnv, passEnv, input.path("env"));
        Path dir = Files.createTempDirectory("griddle-task-");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            deleteTree(dir);
            throw new TaskFailure("shell: cannot start " + command + ": " + e.getMessage(), false);
        }
        Tail stdout = new Tail();
        Tail stderr = new Tail();
        Thread out = Thread.ofVirtual().start(() -> pump(process.getInputStream(), "stdout", stdout, context));
        Thread err = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), "stderr", stderr, context));
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout, TimeUnit.MILLISECONDS)) {
                kill(process);
                out.join(1000);
                err.join(1000);
                throw new TaskFailure("shell: timed out after " + timeout + " ms (timeout_ms)" + stderrTail(stderr), true);
            }
            out.join();
            err.join();
            int exit = process.exitValue();
            ObjectNode output = JsonNodeFactory.instance.objectNode().put("exit_code", exit).put("stdout", stdout.text())
                    .put("stderr", stderr.text());
            if (exit != 0) {
                throw new TaskFailure("shell: exit code " + exit + stderrTail(stderr), true);
            }
            return output;
        } catch (InterruptedException e) {
            kill(process); // the task was called off
            throw e;
        } finally {
            deleteTree(dir);
        }
    }

    private static List<String> command(JsonNode input) {
        if (input.path("command").isString() && !input.path("command").asString().isBlank()) {
            return List.of("/bin/sh", "-c", input.path("command").asString());
        }
        if (input.path("argv").isArray() && !input.path("argv").isEmpty()) {
            List<String> argv = new ArrayList<>();
            for (JsonNode a : input.path("argv")) {
                if (!a.isString()) {
                    throw new TaskFailure("shell: argv entries must be strings", false);
                }
                argv.add(a.asString());
            }
            return argv;
        }
        throw new TaskFailure("shell: input needs 'command' (a string) or 'argv' (a non-empty list of strings)", false);
    }

    private static String stderrTail(Tail stderr) {
        String text = stderr.text().strip();
        return text.isEmpty() ? "" : ": " + (text.length() > 2000 ? "..." + text.substring(text.length() - 2000) : text);
    }

    private static void pump(InputStream in, String stream, Tail tail, TaskContext context) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                tail.append(line);
                context.log(stream, line.length() > LOG_LINE_CHARS ? line.substring(0, LOG_LINE_CHARS) + "...(truncated)" : line);
            }
        } catch (IOException e) {
            // the process was killed: its pipes closed under us
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: it is a temporary directory
        }
    }

    /** The last {@link #TAIL_CHARS} characters written: the output size cap. */
    static final class Tail {
        private final StringBuilder text = new StringBuilder();

        synchronized void append(String line) {
            text.append(line).append('\n');
            if (text.length() > TAIL_CHARS * 2) {
                text.delete(0, text.length() - TAIL_CHARS);
            }
        }

        synchronized String text() {
            return text.length() > TAIL_CHARS ? text.substring(text.length() - TAIL_CHARS) : text.toString();
        }
    }
}

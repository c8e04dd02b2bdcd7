package dev.griddle.cli.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of the packaged CLI jar as a process: its arguments, and when it has exited, its code, stdout and stderr. */
public final class CliProcess {

    private final Process process;
    private final Path out;
    private final Path err;
    private final List<String> args;

    private CliProcess(Process process, Path out, Path err, List<String> args) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.args = args;
    }

    /** What a finished CLI process did. */
    public record Result(List<String> args, int code, String out, String err) {
        @Override
        public String toString() {
            return "griddle-cli " + String.join(" ", args) + " -> exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** Starts the CLI with this config home ({@code XDG_CONFIG_HOME}) and extra environment. */
    public static CliProcess start(Path configHome, Map<String, String> env, String... args) {
        try {
            Path out = Files.createTempFile("griddle-cli-out", ".txt");
            Path err = Files.createTempFile("griddle-cli-err", ".txt");
            Map<String, String> all = new java.util.HashMap<>(env);
            all.put("XDG_CONFIG_HOME", configHome.toString());
            ProcessBuilder builder = PackagedJar.command("griddle.cli.jar", all, List.of(args));
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            return new CliProcess(PackagedJar.start(builder), out, err, List.of(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Result await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("griddle-cli " + String.join(" ", args) + " did not exit within " + timeout + "; stdout so far:\n"
                        + Files.readString(out));
            }
            return new Result(args, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            } catch (IOException ignored) {
                // temp files: the OS cleans up
            }
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public void kill() {
        process.destroyForcibly();
    }
}

package dev.griddle.sdk.worker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The exec command: one short command run to its end (or its timeout) in a session's working
 * directory, beside the session's child, with its output captured up to {@link #OUTPUT_CAP} bytes
 * a stream.
 */
final class SessionExec {

    static final int OUTPUT_CAP = 64 * 1024;

    private SessionExec() {
    }

    /** The command's result: exit code and output, or an error; throws when interrupted, with nothing to report. */
    static ObjectNode run(Path workdir, Map<String, String> baseEnv, JsonNode command) throws InterruptedException {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
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
        }
        return result;
    }

    /** Reads a stream to its end on a virtual thread, keeping the first {@link #OUTPUT_CAP} bytes. */
    private static final class Capture {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread thread;

        Capture(InputStream in) {
            thread = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        synchronized (kept) {
                            int room = OUTPUT_CAP - kept.size();
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

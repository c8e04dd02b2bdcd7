package dev.griddle.sdk.worker;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A program a worker host's operator lets sessions run: {@code command} is an argv (no shell), in
 * which an element that is exactly {@code {prompt}} or {@code {workdir}} is replaced by the
 * session's initial prompt or working directory. Without {@code {prompt}} the initial prompt is the
 * first line on the child's stdin. {@code exec} allows {@code POST /sessions/{id}/exec}; zero
 * limits mean none (idle detection off, no duration or output cap). {@code envSecrets} name
 * organization secrets the server hands to the child as environment variables.
 */
public record SessionTemplate(String name, List<String> command, List<String> labels, boolean exec, long idleAfterMs,
        long maxDurationMs, long maxOutputBytes, List<String> envSecrets) {

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}");
    private static final Pattern ENV = Pattern.compile("[A-Z_][A-Z0-9_]{0,99}");

    public SessionTemplate {
        Objects.requireNonNull(name, "name");
        if (!WORD.matcher(name).matches()) {
            throw new IllegalArgumentException("template name must be 1-100 letters, digits and _.:/- , was '" + name + "'");
        }
        if (command == null || command.isEmpty() || command.size() > 200 || command.stream().anyMatch(a -> a == null || a.length() > 10_000)) {
            throw new IllegalArgumentException("template '" + name + "': command must be a list of 1..200 strings (an argv)");
        }
        if (command.getFirst().equals("{prompt}") || command.getFirst().equals("{workdir}")) {
            throw new IllegalArgumentException("template '" + name + "': the program (command[0]) must not be a placeholder");
        }
        labels = labels == null ? List.of() : List.copyOf(labels);
        for (String l : labels) {
            if (!WORD.matcher(l).matches()) {
                throw new IllegalArgumentException("template '" + name + "': label '" + l + "' must be 1-100 letters, digits and _.:/-");
            }
        }
        envSecrets = envSecrets == null ? List.of() : List.copyOf(envSecrets);
        for (String s : envSecrets) {
            if (!ENV.matcher(s).matches() || s.startsWith("GRIDDLE_")) {
                throw new IllegalArgumentException("template '" + name + "': env_secrets entry '" + s
                        + "' must be an upper-case variable name (A-Z, 0-9, _) and not start with GRIDDLE_");
            }
        }
        if (idleAfterMs < 0 || maxDurationMs < 0 || maxOutputBytes < 0) {
            throw new IllegalArgumentException("template '" + name + "': idle_after_ms, max_duration_ms and max_output_bytes must be >= 0");
        }
        command = List.copyOf(command);
    }
}

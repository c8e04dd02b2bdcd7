package dev.griddle.worker;

import dev.griddle.sdk.worker.Worker;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar griddle-worker.jar --server URL --key KEY [--name N] [--labels a,b]
 * [--max-concurrency N] [--drain-timeout 30s] [--pass-env PATH,HOME,LANG,TZ,TMPDIR] [--session-templates FILE --max-pods N
 * [--session-dir DIR] [--session-retention 7d]]}. Sessions (docs/sessions.md) run only with {@code --max-pods} above 0 (the
 * default is 0) and a templates file; their children see the {@code --pass-env} variables and are ended when the worker stops. The key may also
 * come from {@code GRIDDLE_WORKER_KEY} (keeps it out of the process list). {@code --pass-env} (or
 * {@code GRIDDLE_WORKER_PASS_ENV}) names the worker's environment variables shell tasks inherit. Handles the task types
 * {@code shell} and {@code echo} (returns its input: a no-op for testing and measuring). SIGTERM
 * drains: no new claims, running tasks get the drain timeout to finish.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("griddle-worker: " + e.getMessage());
            System.err.println("usage: java -jar griddle-worker.jar --server URL --key KEY [--name NAME] [--labels a,b] "
                    + "[--max-concurrency N] [--drain-timeout 30s] [--pass-env PATH,HOME,LANG,TZ,TMPDIR] "
                    + "[--session-templates FILE] [--max-pods N] [--session-dir DIR] [--session-retention 7d]");
            System.exit(2);
            return;
        }
        Worker.Builder builder = Worker.builder(options.get("server"), options.get("key"))
                .maxConcurrency(Integer.parseInt(options.getOrDefault("max-concurrency", "4")))
                .drainTimeout(Duration.parse("PT" + options.getOrDefault("drain-timeout", "30s").toUpperCase()))
                .version(version())
                .handle("shell", new ShellTask(System.getenv(), passEnv(options)))
                .handle("echo", (input, ctx) -> input);
        if (options.containsKey("name")) {
            builder.name(options.get("name"));
        }
        String labels = options.getOrDefault("labels", "");
        if (!labels.isBlank()) {
            builder.labels(Arrays.stream(labels.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        }
        int maxPods = Integer.parseInt(options.getOrDefault("max-pods", "0"));
        java.util.List<dev.griddle.sdk.worker.SessionTemplate> templates = options.containsKey("session-templates")
                ? SessionTemplates.load(java.nio.file.Path.of(options.get("session-templates"))) : List.of();
        java.nio.file.Path sessionDir = java.nio.file.Path.of(options.getOrDefault("session-dir",
                java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "griddle-sessions", options.getOrDefault("name", "worker")).toString()));
        if (maxPods > 0) {
            java.util.Map<String, String> env = new java.util.HashMap<>();
            for (String name : passEnv(options)) {
                String value = System.getenv(name);
                if (value != null) {
                    env.put(name, value);
                }
            }
            builder.sessions(templates, maxPods, sessionDir, env);
        }
        Worker worker = builder.start();
        Duration retention = sessionRetention(options);
        if (maxPods > 0) {
            Thread.ofVirtual().name("griddle-session-clean").start(() -> {
                while (true) {
                    worker.cleanSessionWorkdirs(retention);
                    try {
                        Thread.sleep(Duration.ofHours(1));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "griddle-worker-drain"));
        // a drained stop is a success: exit 0 rather than the JVM's 143 (the shutdown hook drains either way)
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> System.exit(0));
        worker.awaitShutdown();
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        List<String> known = List.of("server", "key", "name", "labels", "max-concurrency", "drain-timeout", "pass-env",
                "session-templates", "max-pods", "session-dir", "session-retention");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            options.put(name, value);
        }
        String envPass = System.getenv("GRIDDLE_WORKER_PASS_ENV");
        if (!options.containsKey("pass-env") && envPass != null) {
            options.put("pass-env", envPass);
        }
        passEnv(options);
        String envKey = System.getenv("GRIDDLE_WORKER_KEY");
        if (!options.containsKey("key") && envKey != null && !envKey.isBlank()) {
            options.put("key", envKey);
        }
        for (String required : List.of("server", "key")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        try {
            int n = Integer.parseInt(options.getOrDefault("max-concurrency", "4"));
            if (n < 1) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--max-concurrency must be a positive integer, was '" + options.get("max-concurrency") + "'");
        }
        try {
            int n = Integer.parseInt(options.getOrDefault("max-pods", "0"));
            if (n < 0 || n > 1000) {
                throw new NumberFormatException();
            }
            if (n > 0 && !options.containsKey("session-templates")) {
                throw new IllegalArgumentException("--max-pods needs --session-templates FILE (what this host lets sessions run)");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--max-pods must be an integer 0..1000, was '" + options.get("max-pods") + "'");
        }
        if (options.containsKey("session-templates")) {
            SessionTemplates.load(java.nio.file.Path.of(options.get("session-templates"))); // refuse a bad file before registering
        }
        sessionRetention(options);
        return options;
    }

    /** {@code --session-retention}: {@code 7d}, {@code 12h}, {@code 30m}; how long an ended session's workdir is kept. */
    static Duration sessionRetention(Map<String, String> options) {
        String v = options.getOrDefault("session-retention", "7d").trim().toLowerCase();
        try {
            if (v.endsWith("d")) {
                return Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.parse("PT" + v.toUpperCase());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--session-retention must look like 7d, 12h or 30m, was '" + v + "'");
        }
    }

    /** {@code --pass-env PATH,HOME} (or {@code GRIDDLE_WORKER_PASS_ENV}): the worker's variables shell tasks see; never GRIDDLE_ ones. */
    static List<String> passEnv(Map<String, String> options) {
        if (!options.containsKey("pass-env")) {
            return ShellTask.DEFAULT_PASS_ENV;
        }
        List<String> names = Arrays.stream(options.get("pass-env").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String name : names) {
            if (name.startsWith("GRIDDLE_")) {
                throw new IllegalArgumentException("--pass-env (GRIDDLE_WORKER_PASS_ENV) must not list " + name
                        + ": GRIDDLE_ variables (the worker key among them) never reach shell tasks");
            }
        }
        return names;
    }

    private static String version() {
        String v = WorkerMain.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}

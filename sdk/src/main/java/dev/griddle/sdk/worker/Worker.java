package dev.griddle.sdk.worker;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A remote worker: registers with the server, heartbeats, long-polls for tasks of the types it
 * handles (never more than {@code maxConcurrency} at once), runs each on a virtual thread while
 * extending its lease and streaming its logs, and reports the result. {@link #close()} drains:
 * no new claims, running handlers get {@code drainTimeout} to finish.
 *
 * <pre>{@code
 * try (Worker worker = Worker.builder("https://griddle.example.com", key).name("gpu-1").labels("gpu")
 *         .maxConcurrency(4).handle("resize-image", (input, ctx) -> resize(input)).start()) {
 *     worker.awaitShutdown();
 * }
 * }</pre>
 *
 * Every HTTP call is retried with backoff while the server is unreachable, so a server restart
 * costs nothing but time; a report the server refuses with {@code 409} (the lease was lost) is
 * dropped, as the task has been or will be handed to another worker.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = Logger.getLogger(Worker.class.getName());

    private final Builder config;
    private final WorkerHttp http;
    private final Semaphore slots;
    private final Map<UUID, Running> running = new ConcurrentHashMap<>();
    private volatile UUID id;
    private volatile boolean claiming = true;
    private volatile boolean closed;
    private Thread claimer;
    private Thread heartbeater;
    private final SessionHost sessions;

    private record Running(TaskContext context, Thread thread) {
    }

    private Worker(Builder config) {
        this.config = config;
        this.http = new WorkerHttp(GriddleClient.builder(config.url).apiKey(config.key)
                .timeout(config.claimWait.plus(Duration.ofSeconds(30))).build());
        this.slots = new Semaphore(config.maxConcurrency);
        this.sessions = config.maxPods > 0
                ? new SessionHost(http, config.sessionTemplates, config.sessionRoot, config.sessionEnv, config.claimWait)
                : null;
    }

    public static Builder builder(String url, String key) {
        return new Builder(url, key);
    }

    /** Registers (retrying until the server answers) and starts claiming. */
    private Worker start() {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", config.name).put("version", config.version)
                .put("os", System.getProperty("os.name")).put("arch", System.getProperty("os.arch"))
                .put("max_concurrency", config.maxConcurrency);
        config.labels.forEach(body.putArray("labels")::add);
        config.handlers.keySet().forEach(body.putArray("task_types")::add);
        body.put("max_pods", config.maxPods);
        if (sessions != null) {
            body.set("session_templates", sessions.announce());
        }
        RawResponse response;
        try {
            response = http.post("/api/v1/workers", body, Duration.ofDays(365), () -> !closed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering worker " + config.name, e);
        }
        if (response == null || response.status() >= 300) {
            throw new IllegalStateException("Could not register worker '" + config.name + "': "
                    + (response == null ? "server unreachable" : response.status() + " " + response.body()));
        }
        id = UUID.fromString(WorkerHttp.JSON.readTree(response.body()).path("id").asString());
        log.info(() -> "Worker '" + config.name + "' registered as " + id + " for " + config.handlers.keySet());
        claimer = Thread.ofVirtual().name("griddle-worker-claim").start(this::claimLoop);
        heartbeater = Thread.ofVirtual().name("griddle-worker-heartbeat").start(this::heartbeatLoop);
        if (sessions != null) {
            sessions.start(id);
        }
        return this;
    }

    public UUID id() {
        return id;
    }

    /** Tasks being handled right now. */
    public int runningTasks() {
        return running.size();
    }

    /** Sessions whose child this worker runs (or whose last events it has yet to report). */
    public int runningPods() {
        return sessions == null ? 0 : sessions.pods();
    }

    /** Deletes the working directories of ended sessions older than {@code retention} (archive deletes one at once). */
    public void cleanSessionWorkdirs(Duration retention) {
        if (sessions != null) {
            sessions.cleanWorkdirs(retention);
        }
    }

    /** Blocks until {@link #close()} has finished (for a main thread with nothing else to do). */
    public void awaitShutdown() throws InterruptedException {
        while (!closed) {
            Thread.sleep(200);
        }
        claimer.join();
    }

    private void claimLoop() {
        long idleBackoff = 0;
        while (claiming) {
            int free;
            try {
                slots.acquire();
                free = 1 + slots.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            boolean got = false;
            try {
                ObjectNode body = JsonNodeFactory.instance.objectNode().put("max", free).put("wait_ms", config.claimWait.toMillis());
                long claimStarted = System.nanoTime();
                RawResponse response = http.post("/api/v1/workers/" + id + "/claim", body, Duration.ofDays(365), () -> claiming);
                if (response == null) {
                    continue;
                }
                if (response.status() == 200) {
                    List<JsonNode> tasks = new ArrayList<>();
                    WorkerHttp.JSON.readTree(response.body()).path("data").forEach(tasks::add);
                    for (JsonNode task : tasks) {
                        free--;
                        execute(task);
                    }
                    got = true;
                    idleBackoff = 0;
                } else if (response.status() == 409 || response.status() == 404) {
                    // drained by an operator (409) or deleted (404): wait, and re-register if it was removed
                    log.fine(() -> "Claim refused: " + response.status() + " " + response.body());
                    idleBackoff = Math.min(Math.max(1000, idleBackoff * 2), 10_000);
                } else if (response.status() == 204) {
                    // an early 204 (the server is shutting down, or capped wait_ms at 0): do not spin
                    idleBackoff = System.nanoTime() - claimStarted < config.claimWait.toNanos() / 2 ? 250 : 0;
                } else {
                    log.warning(() -> "Claim answered " + response.status() + " " + response.body());
                    idleBackoff = Math.min(Math.max(1000, idleBackoff * 2), 30_000);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.log(Level.WARNING, "Claim failed", e);
                idleBackoff = Math.min(Math.max(1000, idleBackoff * 2), 30_000);
            } finally {
                slots.release(free);
            }
            if (!got && idleBackoff > 0) {
                try {
                    Thread.sleep(idleBackoff);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Runs a claimed task on its own virtual thread; the claim's slot passes to it and is released when it ends. */
    private void execute(JsonNode task) {
        TaskContext context = new TaskContext(task);
        Thread thread = Thread.ofVirtual().name("griddle-task-" + context.taskId()).unstarted(() -> run(task, context));
        running.put(context.taskId(), new Running(context, thread));
        thread.start();
    }

    private void run(JsonNode task, TaskContext context) {
        UUID taskId = context.taskId();
        try {
            new TaskRun(http, config.handlers, task, context, () -> {
                Running r = running.get(taskId);
                if (r != null) {
                    r.thread().interrupt();
                }
            }).handleAndReport();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            context.markHandled();
            running.remove(taskId);
            slots.release();
        }
    }

    private void heartbeatLoop() {
        while (!closed) {
            try {
                Thread.sleep(config.heartbeatInterval);
                RawResponse response = http.post("/api/v1/workers/" + id + "/heartbeat", null, config.heartbeatInterval, () -> !closed);
                if (response != null && response.status() >= 300) {
                    log.warning(() -> "Heartbeat answered " + response.status() + " " + response.body());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.log(Level.WARNING, "Heartbeat failed", e);
            }
        }
    }

    /**
     * Drains: stops claiming, tells the server (the worker shows {@code draining}), waits up to the
     * drain timeout for running handlers, then interrupts the rest (their leases expire and the
     * tasks run elsewhere).
     */
    @Override
    public void close() {
        if (closed || id == null) {
            closed = true;
            return;
        }
        claiming = false;
        if (sessions != null) {
            sessions.close();
        }
        try {
            // drained on the server first, so that a claim in flight ends (409) instead of taking tasks nobody will run
            http.post("/api/v1/workers/" + id + "/drain", null, Duration.ofSeconds(2), () -> true);
            if (!claimer.join(Duration.ofSeconds(3))) {
                claimer.interrupt();
                claimer.join(Duration.ofSeconds(2));
            }
            long deadline = System.nanoTime() + config.drainTimeout.toNanos();
            while (!running.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Set<UUID> left = Set.copyOf(running.keySet());
            if (!left.isEmpty()) {
                log.warning(() -> left.size() + " task(s) still running after the drain timeout; abandoning them: " + left);
                running.values().forEach(r -> r.thread().interrupt());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
            heartbeater.interrupt();
        }
    }

    public static final class Builder {
        private final String url;
        private final String key;
        private String name = hostName();
        private String version = "dev";
        private final List<String> labels = new ArrayList<>();
        private final Map<String, TaskHandler> handlers = new LinkedHashMap<>();
        private int maxConcurrency = 1;
        private Duration claimWait = Duration.ofSeconds(20);
        private Duration heartbeatInterval = Duration.ofSeconds(5);
        private Duration drainTimeout = Duration.ofSeconds(30);
        private int maxPods;
        private List<SessionTemplate> sessionTemplates = List.of();
        private java.nio.file.Path sessionRoot;
        private Map<String, String> sessionEnv = Map.of();

        private Builder(String url, String key) {
            this.url = Objects.requireNonNull(url, "url");
            this.key = Objects.requireNonNull(key, "key");
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        public Builder version(String version) {
            this.version = Objects.requireNonNull(version);
            return this;
        }

        public Builder labels(String... labels) {
            return labels(List.of(labels));
        }

        public Builder labels(List<String> labels) {
            this.labels.addAll(labels);
            return this;
        }

        public Builder maxConcurrency(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrency must be >= 1, was " + n);
            }
            this.maxConcurrency = n;
            return this;
        }

        public Builder handle(String taskType, TaskHandler handler) {
            handlers.put(Objects.requireNonNull(taskType), Objects.requireNonNull(handler));
            return this;
        }

        /** How long one claim waits on the server for work (the server caps it). */
        public Builder claimWait(Duration wait) {
            this.claimWait = Objects.requireNonNull(wait);
            return this;
        }

        /** How often the worker says it is alive; keep it well under the server's heartbeat timeout. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Objects.requireNonNull(interval);
            return this;
        }

        /** How long {@link Worker#close()} waits for running handlers. */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * Runs sessions from these templates, at most {@code maxPods} at once (0 = no sessions), each in a
         * directory of its own under {@code root}, with {@code env} as the children's environment.
         */
        public Builder sessions(List<SessionTemplate> templates, int maxPods, java.nio.file.Path root, Map<String, String> env) {
            if (maxPods < 0 || maxPods > 1000) {
                throw new IllegalArgumentException("maxPods must be 0..1000, was " + maxPods);
            }
            if (maxPods > 0 && templates.isEmpty()) {
                throw new IllegalArgumentException("maxPods > 0 needs at least one session template");
            }
            this.sessionTemplates = List.copyOf(templates);
            this.maxPods = maxPods;
            this.sessionRoot = Objects.requireNonNull(root, "root");
            this.sessionEnv = Map.copyOf(env);
            return this;
        }

        /** Builds and {@link Worker#start() starts} the worker. */
        public Worker start() {
            if (handlers.isEmpty()) {
                throw new IllegalStateException("A worker needs at least one handler: call handle(taskType, handler)");
            }
            return new Worker(this).start();
        }

        private static String hostName() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                return "worker-" + UUID.randomUUID();
            }
        }
    }
}

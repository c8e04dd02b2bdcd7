package dev.griddle.worker;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.StartRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small timed loop against a running server (not a test, not the bench module): the worker
 * protocol's claim-to-complete round trip for a no-op task, and, with {@code throughput}, runs/s
 * done by worker processes started separately with the printed key. Usage:
 * {@code java -cp ... dev.griddle.worker.WorkerLatencyProbe URL ADMIN_KEY latency|setup|throughput N [KEY]}.
 */
public final class WorkerLatencyProbe {

    static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        String url = args[0];
        GriddleClient root = GriddleClient.builder(url).apiKey(args[1]).build();
        int n = Integer.parseInt(args[3]);
        switch (args[2]) {
            case "latency" -> latency(root, url, n);
            case "setup" -> {
                GriddleClient admin = GriddleClient.builder(url).apiKey(root.organizations().create("probe-" + UUID.randomUUID()).adminKey()).build();
                System.out.println("ADMIN=" + adminKeyOf(admin));
                System.out.println("WORKER=" + admin.keys().create(CreateKey.of("w", "worker")).secret());
            }
            case "throughput" -> throughput(GriddleClient.builder(url).apiKey(args[4]).build(), n);
            case "submit" -> submit(GriddleClient.builder(url).apiKey(args[4]).build(), n);
            case "drain" -> drain(GriddleClient.builder(url).apiKey(args[4]).build(), n, UUID.fromString(args[5]));
            case "fanout" -> fanout(GriddleClient.builder(url).apiKey(args[4]).build(), n);
            default -> throw new IllegalArgumentException(args[2]);
        }
    }

    private static String adminKeyOf(GriddleClient admin) {
        return admin.keys().create(CreateKey.of("probe", "admin")).secret();
    }

    static void latency(GriddleClient root, String url, int n) {
        GriddleClient admin = GriddleClient.builder(url).apiKey(root.organizations().create("probe-" + UUID.randomUUID()).adminKey()).build();
        GriddleClient worker = GriddleClient.builder(url).apiKey(admin.keys().create(CreateKey.of("w", "worker")).secret()).build();
        String id = JSON.readTree(worker.raw("POST", "/api/v1/workers", "{\"name\": \"probe\", \"task_types\": [\"noop\"], \"max_concurrency\": 1}",
                Map.of()).body()).path("id").asString();
        UUID runner = admin.runners().createYaml("name: noop\nsteps:\n  - {id: t, type: task, with: {task_type: noop}}\n").id();
        long[] micros = new long[n];
        for (int i = -20; i < n; i++) { // 20 warm-up rounds
            admin.runs().start(runner, StartRun.of(null));
            long t0 = System.nanoTime();
            RawResponse claim = worker.raw("POST", "/api/v1/workers/" + id + "/claim", "{\"max\": 1, \"wait_ms\": 5000}", Map.of());
            JsonNode task = JSON.readTree(claim.body()).path("data").get(0);
            RawResponse done = worker.raw("POST", "/api/v1/tasks/" + task.path("id").asString() + "/complete",
                    "{\"lease_token\": " + task.path("lease_token").asLong() + ", \"output\": {}}", Map.of());
            if (done.status() != 200) {
                throw new IllegalStateException(done.body());
            }
            if (i >= 0) {
                micros[i] = (System.nanoTime() - t0) / 1000;
            }
        }
        Arrays.sort(micros);
        System.out.printf("claim-to-complete round trip, %d no-op tasks: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", n,
                micros[n / 2] / 1000.0, micros[(int) Math.ceil(n * 0.99) - 1] / 1000.0, micros[n - 1] / 1000.0);
    }

    static void throughput(GriddleClient admin, int n) throws Exception {
        UUID runner = admin.runners().createYaml("name: echo-" + UUID.randomUUID() + "\nsteps:\n  - {id: t, type: task, with: {task_type: echo, input: {x: 1}}}\n").id();
        admin.runs().start(runner, StartRun.of(null)); // publishes the version outside the timing
        Thread.sleep(1000);
        List<UUID> runs = java.util.Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < n; i++) {
                pool.submit(() -> runs.add(admin.runs().start(runner, StartRun.of(null)).id()));
            }
        }
        long submitted = System.nanoTime();
        while (true) {
            long done = JSON.readTree(admin.raw("GET", "/api/v1/runners/" + runner + "/runs?status=succeeded&per_page=1", null, Map.of()).body())
                    .path("meta").path("total").asLong();
            if (done >= n + 1) {
                break;
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d runs with one echo task each: submitted in %.2f s, all succeeded after %.2f s: %.0f tasks/s%n", n,
                (submitted - t0) / 1e9, seconds, n / seconds);
    }

    /** One run whose for_each step enqueues {@code n} echo tasks at once: how fast the workers drain the queue. */
    static void fanout(GriddleClient admin, int n) throws Exception {
        UUID runner = admin.runners().createYaml("name: fan-" + UUID.randomUUID()
                + "\nsteps:\n  - {id: t, type: task, for_each: input.items, with: {task_type: echo, input: {i: \"{{ item }}\"}}}\n").id();
        StringBuilder items = new StringBuilder("{\"items\": [");
        for (int i = 0; i < n; i++) {
            items.append(i == 0 ? "" : ",").append(i);
        }
        JsonNode input = JSON.readTree(items.append("]}").toString());
        long t0 = System.nanoTime();
        UUID run = admin.runs().start(runner, StartRun.of(input)).id();
        long started = System.nanoTime();
        while (!admin.runs().get(run).status().equals("succeeded")) {
            Thread.sleep(10);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("one run, %d echo tasks enqueued at once (start took %.2f s): done %.2f s later: %.0f tasks/s%n", n,
                (started - t0) / 1e9, seconds, n / seconds);
    }

    /** Queues {@code n} runs (one echo task each) while no worker runs; prints the runner id for {@code drain}. */
    static void submit(GriddleClient admin, int n) throws Exception {
        UUID runner = admin.runners().createYaml("name: q-" + UUID.randomUUID() + "\nsteps:\n  - {id: t, type: task, with: {task_type: echo}}\n").id();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < n; i++) {
                pool.submit(() -> admin.runs().start(runner, StartRun.of(null)));
            }
        }
        System.out.println(runner);
    }

    /** Times the queued runs' completion from the first one done to the last: the workers' throughput. */
    static void drain(GriddleClient admin, int n, UUID runner) throws Exception {
        long first = 0;
        long firstCount = 0;
        while (true) {
            long done = JSON.readTree(admin.raw("GET", "/api/v1/runners/" + runner + "/runs?status=succeeded&per_page=1", null, Map.of()).body())
                    .path("meta").path("total").asLong();
            if (done > 0 && first == 0) {
                first = System.nanoTime();
                firstCount = done;
            }
            if (done >= n) {
                break;
            }
            Thread.sleep(10);
        }
        double seconds = (System.nanoTime() - first) / 1e9;
        System.out.printf("%d queued runs drained: %d tasks in %.2f s after the first: %.0f tasks/s%n", n, n - firstCount, seconds,
                (n - firstCount) / seconds);
    }
}

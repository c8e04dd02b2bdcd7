package dev.griddle.bench;

import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.node.ObjectNode;

/**
 * The peers' shape (../shared/peers: webhook -> 10 Set nodes -> response): a runner of ten
 * {@code transform} steps, each adding to the previous one's output, started webhook-style with
 * {@code POST /runners/{id}/runs} and no version. C virtual threads each start a run and await it
 * (pure steps run inline, so the start's answer is usually the finished run), until N runs are
 * done, after {@code --warmup} runs. Reports runs/s and client latency percentiles like
 * {@code throughput}, so a regression shows here before it shows beside n8n.
 */
final class Transform10 implements Scenario {

    static final int STEPS = 10;

    @Override
    public void run(Bench bench) throws Exception {
        int n = bench.options().integer("n", 2000);
        int concurrency = bench.options().integer("concurrency", 16);
        int warmup = (int) bench.options().longValue("warmup", 100, 0, 1_000_000);
        Runner runner = bench.createRunner("transform10", steps());
        RunWatcher watcher = new RunWatcher(bench.griddle().runs(), 2, 20, Duration.ofMinutes(5));
        if (warmup > 0) {
            drive(bench, runner, watcher, warmup, concurrency);
            Report.log("transform10 warm-up: %d runs done", warmup);
        }
        bench.report().resetPeak();
        long t0 = System.nanoTime();
        List<Sample> samples = drive(bench, runner, watcher, n, concurrency);
        double wallMs = (System.nanoTime() - t0) / 1e6;
        Stats client = new Stats();
        Stats server = new Stats();
        int inline = 0;
        for (Sample s : samples) {
            client.add(s.clientMs);
            server.add(RunWatcher.serverMillis(s.run));
            inline += s.inline ? 1 : 0;
        }
        ObjectNode line = bench.report().line("transform10", bench.options().parameters());
        line.put("runs", samples.size());
        line.put("finished_in_start_response", inline);
        line.put("wall_ms", Report.ms(wallMs));
        line.put("runs_per_s", Report.ms(samples.size() / (wallMs / 1000)));
        line.put("latency_ms_p50", Report.ms(client.percentile(50)));
        line.put("latency_ms_p95", Report.ms(client.percentile(95)));
        line.put("latency_ms_p99", Report.ms(client.percentile(99)));
        line.put("latency_ms_max", Report.ms(client.max()));
        line.put("server_latency_ms_p50", Report.ms(server.percentile(50)));
        line.put("server_latency_ms_p99", Report.ms(server.percentile(99)));
        bench.report().print(line);
    }

    private record Sample(Run run, double clientMs, boolean inline) {
    }

    private static List<Sample> drive(Bench bench, Runner runner, RunWatcher watcher, int n, int concurrency) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<List<Sample>>> workers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                workers.add(threads.submit(() -> {
                    List<Sample> mine = new ArrayList<>();
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        long t0 = System.nanoTime();
                        Run started = bench.griddle().runs().start(runner.id(), StartRun.of(Report.JSON.createObjectNode().put("n", i)));
                        Run done = watcher.awaitFinished(started);
                        double ms = (System.nanoTime() - t0) / 1e6;
                        RunWatcher.requireSucceeded(done);
                        mine.add(new Sample(done, ms, started.finished()));
                    }
                    return mine;
                }));
            }
            List<Sample> all = new ArrayList<>(n);
            for (Future<List<Sample>> worker : workers) {
                all.addAll(worker.get());
            }
            return all;
        }
    }

    /** {@code t01 = input.n + 1}, then {@code tK = steps.t(K-1).output + 1}: each step needs the one before. */
    static List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        for (int k = 1; k <= STEPS; k++) {
            String id = String.format("t%02d", k);
            String value = k == 1 ? "{{ input.n + 1 }}" : String.format("{{ steps.t%02d.output + 1 }}", k - 1);
            Step step = Step.of(id, "transform", Report.JSON.createObjectNode().put("value", value));
            steps.add(k == 1 ? step : step.needing(String.format("t%02d", k - 1)));
        }
        return steps;
    }
}

package dev.griddle.bench;

import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.node.ObjectNode;

/**
 * Many one-step runs at a fixed concurrency: C virtual threads each start a run and wait for it
 * to finish, then start the next, until N runs are done. Reports runs/s and latency percentiles,
 * client-observed (start request sent to finish observed) and server-side ({@code finished_at -
 * created_at}). A warm-up of {@code --warmup} runs goes first and is not counted. {@code --version
 * latest} (the default) starts runs without a version, as most callers do; {@code --version pinned}
 * names the published version, which skips the auto-publish check.
 */
final class Throughput implements Scenario {

    @Override
    public void run(Bench bench) throws Exception {
        int n = bench.options().integer("n", 2000);
        int concurrency = bench.options().integer("concurrency", 32);
        String stepType = bench.options().string("step", "transform");
        int warmup = (int) bench.options().longValue("warmup", 100, 0, 1_000_000);
        String pin = bench.options().string("version", "latest");
        try (EchoServer echo = EchoServer.start()) {
            Runner runner = bench.createRunner("throughput-" + stepType, List.of(step(stepType, echo.url())));
            Integer version = switch (pin) {
                case "latest" -> null;
                case "pinned" -> bench.griddle().runners().publish(runner.id()).version();
                default -> throw new IllegalArgumentException("--version must be latest or pinned, was '" + pin + "'");
            };
            RunWatcher watcher = new RunWatcher(bench.griddle().runs(), 2, 20, Duration.ofMinutes(5));
            if (warmup > 0) {
                drive(bench, runner, version, watcher, warmup, concurrency);
                Report.log("throughput warm-up: %d runs done", warmup);
            }
            bench.report().resetPeak();
            long t0 = System.nanoTime();
            List<Sample> samples = drive(bench, runner, version, watcher, n, concurrency);
            double wallMs = (System.nanoTime() - t0) / 1e6;
            Stats client = new Stats();
            Stats server = new Stats();
            Instant firstCreated = null;
            Instant lastFinished = null;
            for (Sample s : samples) {
                client.add(s.clientMs);
                server.add(RunWatcher.serverMillis(s.run));
                firstCreated = firstCreated == null || s.run.createdAt().isBefore(firstCreated) ? s.run.createdAt() : firstCreated;
                lastFinished = lastFinished == null || s.run.finishedAt().isAfter(lastFinished) ? s.run.finishedAt() : lastFinished;
            }
            double serverSpanMs = Duration.between(firstCreated, lastFinished).toNanos() / 1e6;
            ObjectNode line = bench.report().line("throughput", bench.options().parameters());
            line.put("runs", samples.size());
            line.put("wall_ms", Report.ms(wallMs));
            line.put("runs_per_s", Report.ms(samples.size() / (wallMs / 1000)));
            line.put("server_runs_per_s", Report.ms(samples.size() / (serverSpanMs / 1000)));
            line.put("latency_ms_p50", Report.ms(client.percentile(50)));
            line.put("latency_ms_p95", Report.ms(client.percentile(95)));
            line.put("latency_ms_p99", Report.ms(client.percentile(99)));
            line.put("latency_ms_max", Report.ms(client.max()));
            line.put("server_latency_ms_p50", Report.ms(server.percentile(50)));
            line.put("server_latency_ms_p95", Report.ms(server.percentile(95)));
            line.put("server_latency_ms_p99", Report.ms(server.percentile(99)));
            line.put("server_latency_ms_max", Report.ms(server.max()));
            line.put("echo_requests", echo.requests());
            bench.report().print(line);
        }
    }

    private record Sample(Run run, double clientMs) {
    }

    private static List<Sample> drive(Bench bench, Runner runner, Integer version, RunWatcher watcher, int n, int concurrency) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<List<Sample>>> workers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                workers.add(threads.submit(() -> {
                    List<Sample> mine = new ArrayList<>();
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        long t0 = System.nanoTime();
                        Run started = bench.griddle().runs().start(runner.id(),
                                new StartRun(Report.JSON.createObjectNode().put("i", i), version, null));
                        Run done = watcher.awaitFinished(started);
                        double ms = (System.nanoTime() - t0) / 1e6;
                        RunWatcher.requireSucceeded(done);
                        mine.add(new Sample(done, ms));
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

    private static Step step(String type, String echoUrl) {
        return switch (type) {
            case "transform" -> Step.of("t", "transform", Report.JSON.createObjectNode().put("value", "{{ input.i }}"));
            case "http" -> Step.of("h", "http", Report.JSON.createObjectNode().put("method", "GET").put("url", echoUrl));
            default -> throw new IllegalArgumentException("--step must be transform or http, was '" + type + "'");
        };
    }
}

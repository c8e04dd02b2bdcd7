package dev.griddle.bench;

import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A large queue, then its drain. A runner with one {@code wait} step, {@code for_each} over
 * {@code --items-per-run} items, each waiting {@code until} an instant given in the input; started
 * {@code --tasks / --items-per-run} times, so that many tasks sit queued but not ready. Run k waits
 * until {@code T + k ms}, T chosen after a calibration run so the whole backlog is in place first;
 * the claim orders by {@code ready_at}, so runs drain one after another.
 *
 * <p>Every {@code --sample-ms} it scrapes {@code /metrics} ({@code griddle_tasks_claim_seconds}
 * quantiles, which Micrometer computes over a decaying window of about two minutes, and the
 * interval's exact mean from the {@code _sum}/{@code _count} deltas) and counts the runner's
 * succeeded runs. The queue depth is estimated as {@code tasks - items_per_run * succeeded_runs}:
 * an upper bound, high by at most the items already done in the runs still draining.
 */
final class Backlog implements Scenario {

    private static final String CLAIM = "griddle_tasks_claim_seconds";

    @Override
    public void run(Bench bench) throws Exception {
        long tasks = bench.options().longValue("tasks", 100_000, 1, 10_000_000);
        int perRun = (int) bench.options().longValue("items-per-run", 1000, 1, 10_000);
        long sampleMs = bench.options().longValue("sample-ms", 2000, 100, 600_000);
        int startConcurrency = bench.options().integer("start-concurrency", 4);
        int runs = (int) ((tasks + perRun - 1) / perRun);
        long total = (long) runs * perRun;
        Runner runner = bench.createRunner("backlog", List.of(waitStep()));
        RunWatcher slow = new RunWatcher(bench.griddle().runs(), 50, 1000, Duration.ofHours(2));

        long c0 = System.nanoTime();
        Run calibration = bench.griddle().runs().start(runner.id(), StartRun.of(input(perRun, Instant.now())));
        double startMs = (System.nanoTime() - c0) / 1e6;
        RunWatcher.requireSucceeded(slow.awaitFinished(calibration));
        double warmDrainMs = (System.nanoTime() - c0) / 1e6 - startMs;
        long buildEstimateMs = (long) (runs * startMs / Math.min(startConcurrency, 2) * 2) + 10_000;
        Instant readyAt = Instant.now().plusMillis(buildEstimateMs);
        Report.log("calibration: start %.0f ms, %d items drained in %.0f ms; building %d runs x %d items, ready at %s (in %d s)", startMs,
                perRun, warmDrainMs, runs, perRun, readyAt, buildEstimateMs / 1000);

        Sampler sampler = new Sampler(bench, runner.id(), perRun, total, 1);
        Thread sampling = Thread.ofVirtual().name("backlog-sampler").start(() -> sampler.loop(sampleMs));
        long b0 = System.nanoTime();
        List<Run> started = build(bench, runner, runs, perRun, readyAt, startConcurrency, sampler);
        double buildMs = (System.nanoTime() - b0) / 1e6;
        boolean overran = Instant.now().isAfter(readyAt);
        if (overran) {
            Report.log("WARNING: building took longer than planned; the drain began before the backlog was complete");
        }
        sampler.drainFrom(readyAt);
        Instant lastFinished = readyAt;
        for (Run run : started) {
            Run done = slow.awaitFinished(run);
            RunWatcher.requireSucceeded(done);
            lastFinished = done.finishedAt().isAfter(lastFinished) ? done.finishedAt() : lastFinished;
        }
        sampler.stop();
        sampling.join();
        double drainMs = Duration.between(readyAt, lastFinished).toNanos() / 1e6;

        ObjectNode line = bench.report().line("backlog", bench.options().parameters());
        line.put("phase", "summary");
        line.put("runs", runs);
        line.put("backlog_tasks", total);
        line.put("build_ms", Report.ms(buildMs));
        line.put("build_overran", overran);
        line.put("drain_ms", Report.ms(drainMs));
        line.put("drain_tasks_per_s", Report.ms(total / (drainMs / 1000)));
        line.put("claim_p50_ms_median", Report.ms(sampler.drainP50.percentile(50)));
        line.put("claim_p99_ms_median", Report.ms(sampler.drainP99.percentile(50)));
        line.put("claim_p99_ms_max", Report.ms(sampler.drainP99.max()));
        line.put("claim_interval_mean_ms_max", Report.ms(sampler.drainMean.max()));
        line.put("samples", sampler.drainP99.count());
        bench.report().print(line);
    }

    private static List<Run> build(Bench bench, Runner runner, int runs, int perRun, Instant readyAt, int concurrency, Sampler sampler)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<List<Run>>> workers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                workers.add(threads.submit(() -> {
                    List<Run> mine = new ArrayList<>();
                    int k;
                    while ((k = next.getAndIncrement()) < runs) {
                        mine.add(bench.griddle().runs().start(runner.id(), StartRun.of(input(perRun, readyAt.plusMillis(k)))));
                        sampler.started.incrementAndGet();
                    }
                    return mine;
                }));
            }
            List<Run> all = new ArrayList<>();
            for (Future<List<Run>> worker : workers) {
                all.addAll(worker.get());
            }
            return all;
        }
    }

    private static Step waitStep() {
        ObjectNode with = Report.JSON.createObjectNode().put("until", "{{ input.until }}");
        return new Step("w", "wait", null, null, with, null, null, null, "input.items", null, null);
    }

    private static ObjectNode input(int items, Instant until) {
        ObjectNode input = Report.JSON.createObjectNode().put("until", until.toString());
        ArrayNode list = input.putArray("items");
        for (int i = 0; i < items; i++) {
            list.add(i);
        }
        return input;
    }

    /** Scrapes and prints one line per sample point; keeps the drain phase's figures for the summary. */
    private static final class Sampler {

        private final Bench bench;
        private final UUID runnerId;
        private final int perRun;
        private final long total;
        private final int earlierRuns;
        final AtomicInteger started = new AtomicInteger();
        final Stats drainP50 = new Stats();
        final Stats drainP99 = new Stats();
        final Stats drainMean = new Stats();
        private volatile Instant drainFrom;
        private volatile boolean running = true;
        private final long t0 = System.nanoTime();

        Sampler(Bench bench, UUID runnerId, int perRun, long total, int earlierRuns) {
            this.bench = bench;
            this.runnerId = runnerId;
            this.perRun = perRun;
            this.total = total;
            this.earlierRuns = earlierRuns;
        }

        void drainFrom(Instant readyAt) {
            drainFrom = readyAt;
        }

        void stop() {
            running = false;
        }

        void loop(long sampleMs) {
            double lastCount = Double.NaN;
            double lastSum = Double.NaN;
            long lastFinished = 0;
            long lastNanos = System.nanoTime();
            while (true) {
                boolean last = !running;
                try {
                    MetricsScrape m = MetricsScrape.take(bench.url());
                    long finished = bench.griddle().runs().list("runner_id=" + runnerId + "&status=succeeded", PageRequest.of(1, 1)).meta().total()
                            - earlierRuns;
                    long now = System.nanoTime();
                    double count = m.valueOr(CLAIM + "_count", "", Double.NaN);
                    double sum = m.valueOr(CLAIM + "_sum", "", Double.NaN);
                    Instant readyAt = drainFrom;
                    boolean draining = readyAt != null && Instant.now().isAfter(readyAt);
                    long depth = draining ? total - (long) perRun * finished : (long) started.get() * perRun;
                    double p50 = m.valueOr(CLAIM, "quantile=\"0.5\"", Double.NaN) * 1000;
                    double p99 = m.valueOr(CLAIM, "quantile=\"0.99\"", Double.NaN) * 1000;
                    double claims = count - lastCount;
                    double mean = claims > 0 ? (sum - lastSum) / claims * 1000 : Double.NaN;
                    double seconds = (now - lastNanos) / 1e9;

                    ObjectNode line = bench.report().line("backlog", bench.options().parameters());
                    line.put("phase", draining ? "drain" : "build");
                    line.put("elapsed_s", Report.ms((now - t0) / 1e9));
                    line.put("runs_started", started.get());
                    line.put("runs_finished", finished);
                    line.put("depth_est", depth);
                    line.put("claim_p50_ms", Report.ms(p50));
                    line.put("claim_p99_ms", Report.ms(p99));
                    line.put("claim_interval_mean_ms", Report.ms(mean));
                    line.put("claims_interval", Double.isNaN(claims) ? null : (long) claims);
                    line.put("drain_tasks_per_s_interval", draining ? Report.ms((finished - lastFinished) * perRun / seconds) : null);
                    line.put("in_flight", (long) m.valueOr("griddle_tasks_in_flight", "", Double.NaN));
                    bench.report().print(line);
                    if (draining) {
                        drainP50.add(p50);
                        drainP99.add(p99);
                        if (!Double.isNaN(mean)) {
                            drainMean.add(mean);
                        }
                    }
                    lastCount = count;
                    lastSum = sum;
                    lastFinished = draining ? finished : 0;
                    lastNanos = now;
                } catch (RuntimeException e) {
                    Report.log("sample failed: %s", e);
                }
                if (last) {
                    return;
                }
                try {
                    Thread.sleep(sampleMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}

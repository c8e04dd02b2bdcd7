package dev.griddle.bench;

import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * 40 sequential {@code http} steps against the echo server: what the engine adds per step hop
 * (claim, mark started, complete, decide, enqueue the next). Overhead per step = (run duration -
 * time the echo server spent handling) / 40, both from the client's view (start request sent to
 * finish observed) and from the server's clock ({@code finished_at - created_at}).
 */
final class Chain40 implements Scenario {

    static final int STEPS = 40;

    @Override
    public void run(Bench bench) throws Exception {
        int runs = bench.options().integer("runs", 5);
        if (runs < 2) {
            throw new IllegalArgumentException("--runs must be at least 2 (the first is a warm-up), was " + runs);
        }
        try (EchoServer echo = EchoServer.start()) {
            Runner runner = bench.createRunner("chain40", steps(echo.url()));
            RunWatcher watcher = new RunWatcher(bench.griddle().runs(), 2, 10, Duration.ofMinutes(5));
            Stats clientTotal = new Stats();
            Stats serverTotal = new Stats();
            Stats clientOverhead = new Stats();
            Stats serverOverhead = new Stats();
            Stats echoPerStep = new Stats();
            for (int i = 0; i < runs; i++) {
                if (i == 1) {
                    bench.report().resetPeak(); // CPU and peak memory over the measured runs
                }
                double echoBefore = echo.handlingMillis();
                long requestsBefore = echo.requests();
                long t0 = System.nanoTime();
                Run started = bench.griddle().runs().start(runner.id(), StartRun.of(Report.JSON.createObjectNode()));
                Run done = watcher.awaitFinished(started);
                double client = (System.nanoTime() - t0) / 1e6;
                RunWatcher.requireSucceeded(done);
                double server = RunWatcher.serverMillis(done);
                double echoMs = echo.handlingMillis() - echoBefore;
                long calls = echo.requests() - requestsBefore;
                Report.log("chain40 run %d%s: client %.1f ms, server %.1f ms, echo %.2f ms over %d calls", i, i == 0 ? " (warm-up)" : "", client,
                        server, echoMs, calls);
                if (i == 0) {
                    continue;
                }
                clientTotal.add(client);
                serverTotal.add(server);
                clientOverhead.add((client - echoMs) / STEPS);
                serverOverhead.add((server - echoMs) / STEPS);
                echoPerStep.add(echoMs / STEPS);
            }
            ObjectNode line = bench.report().line("chain40", bench.options().parameters());
            line.put("steps", STEPS);
            line.put("runs", clientTotal.count());
            line.put("total_ms_p50", Report.ms(clientTotal.percentile(50)));
            line.put("total_ms_max", Report.ms(clientTotal.max()));
            line.put("server_total_ms_p50", Report.ms(serverTotal.percentile(50)));
            line.put("per_step_overhead_ms", Report.ms(clientOverhead.percentile(50)));
            line.put("server_per_step_overhead_ms", Report.ms(serverOverhead.percentile(50)));
            line.put("echo_ms_per_step", Report.ms(echoPerStep.mean()));
            bench.report().print(line);
        }
    }

    private static List<Step> steps(String url) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            ObjectNode with = Report.JSON.createObjectNode().put("method", "GET").put("url", url);
            Step step = Step.of(String.format("s%02d", i), "http", with);
            steps.add(i == 0 ? step : step.needing(String.format("s%02d", i - 1)));
        }
        return steps;
    }
}

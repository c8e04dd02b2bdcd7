package dev.griddle.bench;

import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.Step;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One run whose single step fans out with {@code for_each} over {@code --items} input items: an
 * {@code http} call to the echo server per item (the default), or with {@code --step transform} a
 * rendered value per item. A 10-item run of the same runner warms up first. Reports total time
 * and items/s, client-observed and from the server's timestamps.
 */
final class Fanout implements Scenario {

    @Override
    public void run(Bench bench) throws Exception {
        int items = bench.options().integer("items", 1000);
        String stepType = bench.options().string("step", "http");
        long maxParallel = bench.options().longValue("max-parallel", 0, 0, 1000);
        try (EchoServer echo = EchoServer.start()) {
            Runner runner = bench.createRunner("fanout-" + stepType, List.of(step(stepType, echo.url(), (int) maxParallel)));
            RunWatcher watcher = new RunWatcher(bench.griddle().runs(), 2, 20, Duration.ofMinutes(10));
            RunWatcher.requireSucceeded(watcher.awaitFinished(bench.griddle().runs().start(runner.id(), StartRun.of(input(10)))));
            long requestsBefore = echo.requests();
            long t0 = System.nanoTime();
            Run done = watcher.awaitFinished(bench.griddle().runs().start(runner.id(), StartRun.of(input(items))));
            double client = (System.nanoTime() - t0) / 1e6;
            RunWatcher.requireSucceeded(done);
            double server = RunWatcher.serverMillis(done);
            ObjectNode line = bench.report().line("fanout", bench.options().parameters());
            line.put("total_ms", Report.ms(client));
            line.put("items_per_s", Report.ms(items / (client / 1000)));
            line.put("server_total_ms", Report.ms(server));
            line.put("server_items_per_s", Report.ms(items / (server / 1000)));
            line.put("echo_requests", echo.requests() - requestsBefore);
            bench.report().print(line);
        }
    }

    private static ObjectNode input(int items) {
        ObjectNode input = Report.JSON.createObjectNode();
        ArrayNode list = input.putArray("items");
        for (int i = 0; i < items; i++) {
            list.add(i);
        }
        return input;
    }

    private static Step step(String type, String echoUrl, int maxParallel) {
        ObjectNode with = switch (type) {
            case "http" -> Report.JSON.createObjectNode().put("method", "GET").put("url", echoUrl + "?item={{ item }}");
            case "transform" -> Report.JSON.createObjectNode().put("value", "{{ item }}");
            default -> throw new IllegalArgumentException("--step must be http or transform, was '" + type + "'");
        };
        Step step = Step.of("each", type, with);
        return new Step(step.id(), step.type(), null, null, with, null, null, null, "input.items", maxParallel > 0 ? maxParallel : null,
                null);
    }
}

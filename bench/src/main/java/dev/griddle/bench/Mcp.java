package dev.griddle.bench;

import dev.griddle.sdk.ConnectionModels.McpServerInput;
import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.Step;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * What Griddle's MCP session pool saves: a runner with one {@code tool} step calling the bench's
 * MCP server ({@code <slug>__add}), run {@code --runs} times in pairs. The first run of a pair
 * finds the pooled session open; then the server's registration is PATCHed, which makes Griddle
 * drop the session, so the second run opens a fresh one (initialize, list the tools, call). The
 * step's duration ({@code finished_at - started_at}, server clock) is compared; the first pair
 * warms up and is not reported.
 */
final class Mcp implements Scenario {

    @Override
    public void run(Bench bench) throws Exception {
        int runs = bench.options().integer("runs", 50);
        if (runs < 2) {
            throw new IllegalArgumentException("--runs must be at least 2 (the first pair is a warm-up), was " + runs);
        }
        try (BenchMcpServer mcp = BenchMcpServer.start()) {
            String slug = "bench" + UUID.randomUUID().toString().substring(0, 8);
            UUID serverId = bench.griddle().mcpServers().create(McpServerInput.streamableHttp("bench " + slug, slug, mcp.url())).id();
            Runner runner = bench.createRunner("mcp", List.of(Step.of("add", "tool", Report.JSON.createObjectNode().put("tool", slug + "__add")
                    .set("arguments", Report.JSON.createObjectNode().put("a", 2).put("b", 3)))));
            bench.griddle().mcpServers().attach(Owner.runner(runner.id()), serverId, null);
            RunWatcher watcher = new RunWatcher(bench.griddle().runs(), 2, 10, Duration.ofMinutes(1));
            Stats pooled = new Stats();
            Stats fresh = new Stats();
            for (int i = 0; i <= runs; i++) {
                double warm = stepMillis(bench, runner, watcher);
                bench.griddle().mcpServers().update(serverId, new McpServerInput("bench " + slug + " " + i, null, null, null, null, null, null));
                double cold = stepMillis(bench, runner, watcher);
                if (i == 0) {
                    continue;
                }
                pooled.add(warm);
                fresh.add(cold);
            }
            ObjectNode line = bench.report().line("mcp", bench.options().parameters());
            line.put("pairs", pooled.count());
            line.put("tool_calls_served", mcp.calls());
            line.put("pooled_step_ms_p50", Report.ms(pooled.percentile(50)));
            line.put("pooled_step_ms_p95", Report.ms(pooled.percentile(95)));
            line.put("fresh_step_ms_p50", Report.ms(fresh.percentile(50)));
            line.put("fresh_step_ms_p95", Report.ms(fresh.percentile(95)));
            line.put("session_overhead_ms_p50", Report.ms(fresh.percentile(50) - pooled.percentile(50)));
            bench.report().print(line);
            bench.griddle().mcpServers().delete(serverId);
        }
    }

    /** One run; the tool step's duration on the server's clock. */
    private static double stepMillis(Bench bench, Runner runner, RunWatcher watcher) throws InterruptedException {
        Run done = watcher.awaitFinished(bench.griddle().runs().start(runner.id(), StartRun.of(Report.JSON.createObjectNode())));
        RunWatcher.requireSucceeded(done);
        StepRun step = bench.griddle().runs().steps(done.id()).getFirst();
        return Duration.between(step.startedAt(), step.finishedAt()).toNanos() / 1e6;
    }
}

package dev.griddle.bench;

import dev.griddle.sdk.GriddleClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code java -jar griddle-bench.jar --url URL --key KEY --scenario NAME [options]}: runs one
 * scenario against a running server and prints one JSON line per result on stdout; logs go to
 * stderr. Exit status 1 on a failed scenario, 2 on bad arguments.
 */
public final class Main {

    private static final Map<String, Supplier<Scenario>> SCENARIOS = Map.of(
            "chain40", Chain40::new,
            "transform10", Transform10::new,
            "throughput", Throughput::new,
            "fanout", Fanout::new,
            "backlog", Backlog::new,
            "mcp", Mcp::new,
            "firsttoken", FirstToken::new,
            "knowledge", KnowledgeSearch::new,
            "console", ConsolePages::new);

    private Main() {
    }

    public static void main(String[] args) {
        Bench bench;
        Scenario scenario;
        try {
            Options options = Options.parse(args, System.getenv());
            String url = options.required("url");
            String name = options.required("scenario");
            Supplier<Scenario> factory = SCENARIOS.get(name);
            if (factory == null) {
                throw new IllegalArgumentException("unknown scenario '" + name + "'; one of " + SCENARIOS.keySet());
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                    .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()).build();
            GriddleClient griddle = GriddleClient.builder(url).apiKey(options.required("key")).httpClient(http)
                    .timeout(Duration.ofSeconds(60)).build();
            String pid = options.optional("pid");
            ProcessTreeRss rss = pid == null ? null : ProcessTreeRss.start(pid, 500);
            bench = new Bench(griddle, url, options, new Report(System.out, rss));
            scenario = factory.get();
        } catch (IllegalArgumentException e) {
            System.err.println("griddle-bench: " + e.getMessage());
            System.err.println("usage: java -jar griddle-bench.jar --url URL --key KEY --scenario chain40|transform10|throughput|fanout|backlog|mcp|firsttoken|knowledge|console [--pid PID[,PID...]] [--name value ...]");
            System.exit(2);
            return;
        }
        try {
            scenario.run(bench);
        } catch (Exception e) {
            Report.log("scenario failed: %s", e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
        System.exit(0);
    }
}

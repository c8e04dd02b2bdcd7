package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.server.ApiTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The memory bounds of for_each and the retry of a failed one (issue 20, findings H6 and M6). */
class ForEachBoundsTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    EchoServer echo;
    GriddleClient c;

    @BeforeEach
    void setUp() throws Exception {
        echo = new EchoServer();
        c = newOrg();
    }

    @AfterEach
    void tearDown() {
        echo.close();
    }

    @Test
    void aTransformOverManyLargeItemsFailsOnItsByteBudgetAndTheServerStaysHealthy() throws Exception {
        var r = runner(c, """
                steps:
                  - {id: pad, type: transform, for_each: input.items, with: {value: "{{ input.pad + input.pad }}"}}
                """);
        String items = IntStream.range(0, 3000).mapToObj(Integer::toString).collect(Collectors.joining(","));
        String input = "{\"items\": [" + items + "], \"pad\": \"" + "x".repeat(200_000) + "\"}";
        long t0 = System.nanoTime();
        Run run = c.runs().await(c.runs().start(r.id(), StartRun.of(RunnerFixtures.JSON.readTree(input))).id(), Duration.ofSeconds(30));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(run.status()).isEqualTo("failed");
        // 400,001 bytes per item: the third one goes over 1 MiB
        assertThat(run.error().path("message").asString())
                .contains("for_each: the outputs of the first 3 of 3000 items are").contains("griddle.engine.max-step-output");

        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("griddle_engine_limit_hits_total{limit=\"for-each-budget\"");
    }

    @Test
    void withoutMaxParallelAtMostTheDefaultNumberOfItemsIsQueued() {
        var r = runner(c, """
                steps:
                  - {id: nap, type: wait, for_each: input.items, with: {duration_ms: 600000}}
                """);
        String items = IntStream.range(0, 250).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Run run = c.runs().start(r.id(), StartRun.of(RunnerFixtures.JSON.readTree("{\"items\": [" + items + "]}")));
        await().atMost(Duration.ofSeconds(10)).until(() -> tasks(run.id()) > 0);
        assertThat(tasks(run.id())).isEqualTo(100); // griddle.engine.default-max-parallel
        assertThat(jdbc.sql("select count(*) from step_items where run_id = :run").param("run", run.id()).query(Long.class).single())
                .isEqualTo(250);
        c.runs().cancel(run.id(), "immediate");
    }

    @Test
    void retryingAFailedForEachRerunsOnlyTheFailedItemsAndKeepsTheSucceeded() {
        var r = runner(c, """
                steps:
                  - id: fetch
                    type: http
                    for_each: input.paths
                    max_parallel: 1
                    with: {method: POST, url: "%s{{ item }}", body: {p: "{{ item }}"}}
                  - {id: seen, type: transform, needs: [fetch], with: {value: "{{ steps.fetch.output.map(o, o.status) }}"}}
                """.formatted(echo.url("")));
        Run first = c.runs().await(c.runs().start(r.id(), StartRun.of(RunnerFixtures.JSON.readTree(
                "{\"paths\": [\"/echo/a\", \"/flaky/1/b\", \"/echo/c\"]}"))).id(), Duration.ofSeconds(30));
        assertThat(first.status()).isEqualTo("failed");
        assertThat(first.error().path("message").asString()).contains("(item 1)");
        assertThat(echo.count("/echo/c")).isZero(); // one at a time: c never started

        Run retried = c.runs().retry(first.id());
        assertThat(retried.status()).isIn("running", "queued", "succeeded");
        Run done = c.runs().await(first.id(), Duration.ofSeconds(30));
        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("succeeded");
        JsonNode statuses = done.output().path("seen");
        assertThat(statuses).hasSize(3).allSatisfy(s -> assertThat(s.asInt()).isEqualTo(200));
        assertThat(echo.count("/echo/a")).isEqualTo(1);
        assertThat(echo.count("/echo/c")).isEqualTo(1);
        assertThat(echo.count("/flaky/1/b")).isEqualTo(2);
    }

    private long tasks(UUID runId) {
        return jdbc.sql("select count(*) from tasks where run_id = :run").param("run", runId).query(Long.class).single();
    }
}

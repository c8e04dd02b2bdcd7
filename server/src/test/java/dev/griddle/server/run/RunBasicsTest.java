package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.parse;
import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.server.ApiTest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


class RunBasicsTest extends ApiTest {

    EchoServer echo;

    @AfterEach
    void stop() {
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void transformsRunInlineAndRenderTheOutputTemplate() {
        GriddleClient c = newOrg();
        var r = runner(c, """
                steps:
                  - {id: a, type: transform, with: {value: {n: "{{ input.n }}", label: "n is {{ input.n }}"}}}
                  - {id: b, type: transform, needs: [a], with: {value: "{{ steps.a.output.n * 2 }}"}}
                output: {doubled: "{{ steps.b.output }}", label: "{{ steps.a.output.label }}"}
                """);
        Run run = runToEnd(c, r.id(), "{\"n\": 21}");
        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.output()).isEqualTo(parse("{\"doubled\": 42, \"label\": \"n is 21\"}"));
        assertThat(run.version()).isEqualTo(1);
        List<StepRun> steps = c.runs().steps(run.id());
        assertThat(steps).extracting(StepRun::stepId).containsExactly("a", "b");
        assertThat(steps).allSatisfy(s -> assertThat(s.status()).isEqualTo("succeeded"));
    }

    @Test
    void httpStepsCallOutAndParseJson() throws Exception {
        echo = new EchoServer();
        GriddleClient c = newOrg();
        var r = runner(c, """
                steps:
                  - id: call
                    type: http
                    with: {method: POST, url: "%s", body: {hello: "{{ input.who }}"}}
                  - id: text
                    type: http
                    with: {method: GET, url: "%s"}
                """.formatted(echo.url("/echo"), echo.url("/text")));
        Run run = runToEnd(c, r.id(), "{\"who\": \"world\"}");
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(run.output().path("call").path("status").asInt()).isEqualTo(200);
        assertThat(run.output().path("call").path("body").path("body").path("hello").asString()).isEqualTo("world");
        assertThat(run.output().path("text").path("body").asString()).isEqualTo("plain words");
        EchoServer.Received call = echo.received.stream().filter(req -> req.path().startsWith("/echo")).findFirst().orElseThrow();
        assertThat(call.headers().get("Idempotency-key").getFirst()).isEqualTo(run.id() + "/call/1");
    }
}

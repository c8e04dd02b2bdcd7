package dev.griddle.server.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.ReplayModels.Call;
import dev.griddle.sdk.ReplayModels.Recording;
import dev.griddle.sdk.ReplayModels.ReplayRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue #18's "done when", recording and replay: three recorded runs of a runner with an {@code http}
 * and an {@code llm} step; a fallthrough replay of a changed prompt goes out live for the model call
 * only; with the fake model and the fake web server shut down, a strict replay gives the same output
 * with nothing going out, and a changed prompt fails a strict replay at its step, the recorded and
 * the new request side by side.
 */
class RegressionReplayTest extends ApiTest {

    static final FakeServer WEB = new FakeServer(r -> {
        String city = r.pathAndQuery().replaceAll(".*city=", "");
        return "{\"fact\": \"" + city + " has " + city.length() + " bridges\"}";
    });
    static final FakeServer MODEL = new FakeServer(r -> FakeServer.completion("Summary of " + FakeServer.prompt(r.body()), 100, 20));

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", () -> MODEL.url() + "/v1");
        registry.add("griddle.openai.api-key", () -> "sk-replay-test");
        registry.add("griddle.llm.models[0].id", () -> "openai/test-model");
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
        registry.add("griddle.llm.models[0].input-usd-per-mtok", () -> "1");
        registry.add("griddle.llm.models[0].output-usd-per-mtok", () -> "2");
        registry.add("griddle.llm.max-attempts", () -> "1");
    }

    @AfterAll
    static void stop() {
        WEB.stop();
        MODEL.stop();
    }

    static String steps(String prompt) {
        return """
                [{"id": "fetch", "type": "http", "with": {"method": "GET", "url": "%s/facts?city={{ input.city }}",
                   "headers": {"Accept": "application/json", "traceparent": "00-%s-01"}}},
                 {"id": "summarise", "type": "llm", "needs": ["fetch"], "with": {"prompt": "%s {{ steps.fetch.output.body.fact }}"}}]
                """.formatted(WEB.url(), UUID.randomUUID().toString().replace("-", ""), prompt);
    }

    @Test
    void recordsRunsReplaysThemOfflineAndFailsAStrictReplayOfAChangedPrompt() {
        GriddleClient client = newOrg();
        Runner runner = client.runners().createYaml("""
                name: r-%s
                default_model: openai/test-model
                steps: %s
                output: {summary: "{{ steps.summarise.output.text }}"}
                """.formatted(UUID.randomUUID(), steps("Summarise:").replace("\n", " ")));

        List<Run> recorded = new ArrayList<>();
        for (String city : List.of("Paris", "Rome", "Oslo")) {
            Run run = client.runs().startAndWait(runner.id(), StartRun.of(FakeServer.JSON.readTree("{\"city\": \"" + city + "\"}")),
                    Duration.ofSeconds(30));
            assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
            recorded.add(run);
        }
        Run paris = recorded.getFirst();
        assertThat(paris.output().path("summary").asString()).contains("Paris has 5 bridges");

        Recording recording = client.runs().recording(paris.id());
        assertThat(recording.calls()).extracting(Call::stepId, Call::kind, Call::replayed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fetch", "http", false), org.assertj.core.groups.Tuple.tuple("summarise", "llm", false));
        Call http = recording.calls().get(0);
        assertThat(http.request().path("url").asString()).endsWith("/facts?city=Paris");
        assertThat(http.request().path("headers").has("traceparent")).as("volatile headers are not part of the request").isFalse();
        assertThat(http.response().path("body").path("fact").asString()).isEqualTo("Paris has 5 bridges");
        Call llm = recording.calls().get(1);
        assertThat(llm.request().toString()).contains("Summarise: Paris has 5 bridges").doesNotContain("sk-replay-test");
        assertThat(llm.costUsd()).isEqualByComparingTo("0.00014"); // 100 in at $1/M + 20 out at $2/M
        assertThat(llm.fingerprint()).hasSize(64);
        // the same call from another run has another fingerprint; run ids and trace headers are not part of it
        assertThat(client.runs().recording(recorded.get(1).id()).calls().get(1).fingerprint()).isNotEqualTo(llm.fingerprint());

        // version 2 changes the prompt: a fallthrough replay answers the http call from the recording, the model call goes out live
        RawPatch.patch(client, runner.id(), "{\"steps\": " + steps("Summarise briefly:") + "}");
        int version2 = client.runners().publish(runner.id()).version();
        int webBefore = WEB.requests.get();
        int modelBefore = MODEL.requests.get();
        Run fallthrough = client.runs().await(client.runs().replay(recorded.get(1).id(), ReplayRequest.fallthrough().onVersion(version2)).id(),
                Duration.ofSeconds(30));
        assertThat(fallthrough.status()).as(String.valueOf(fallthrough.error())).isEqualTo("succeeded");
        assertThat(fallthrough.output().path("summary").asString()).contains("Summarise briefly: Rome has 4 bridges");
        assertThat(WEB.requests.get()).isEqualTo(webBefore);
        assertThat(MODEL.requests.get()).isEqualTo(modelBefore + 1);
        assertThat(client.runs().recording(fallthrough.id()).calls()).extracting(Call::kind, Call::replayed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("http", true), org.assertj.core.groups.Tuple.tuple("llm", false));

        // the model and the web are gone: a strict replay of version 1 still gives the same output, with its recorded cost
        WEB.stop();
        MODEL.stop();
        int webAtStop = WEB.requests.get();
        int modelAtStop = MODEL.requests.get();
        Run started = client.runs().replay(paris.id(), ReplayRequest.strict());
        assertThat(started.trigger().type()).isEqualTo("replay");
        assertThat(started.trigger().id()).isEqualTo(paris.id());
        assertThat(started.version()).isEqualTo(paris.version());
        Run replay = client.runs().await(started.id(), Duration.ofSeconds(30));
        assertThat(replay.status()).as(String.valueOf(replay.error())).isEqualTo("succeeded");
        assertThat(replay.output()).isEqualTo(paris.output());
        assertThat(replay.costUsd()).isEqualByComparingTo(paris.costUsd());
        assertThat(WEB.requests.get()).isEqualTo(webAtStop);
        assertThat(MODEL.requests.get()).isEqualTo(modelAtStop);
        Recording replayed = client.runs().recording(replay.id());
        assertThat(replayed.replayOf()).isEqualTo(paris.id());
        assertThat(replayed.calls()).allSatisfy(c -> assertThat(c.replayed()).isTrue());
        assertThat(replayed.calls()).extracting(Call::fingerprint).containsExactlyElementsOf(recording.calls().stream().map(Call::fingerprint).toList());
        assertThat(replayed.calls()).extracting(Call::durationMs).containsExactlyElementsOf(recording.calls().stream().map(Call::durationMs).toList());
        JsonNode view = json(client.send("GET", "/api/v1/runs/" + replay.id(), null, Map.of()));
        assertThat(view.path("replay_of").asString()).isEqualTo(paris.id().toString());

        // the changed prompt fails a strict replay at the llm step, showing both requests
        Run strict = client.runs().await(client.runs().replay(paris.id(), ReplayRequest.strict().onVersion(version2)).id(), Duration.ofSeconds(30));
        assertThat(strict.status()).isEqualTo("failed");
        StepRun failedStep = client.runs().steps(strict.id()).stream().filter(s -> s.stepId().equals("summarise")).findFirst().orElseThrow();
        assertThat(failedStep.status()).isEqualTo("failed");
        assertThat(failedStep.attempt()).as("a mismatch is not retried").isEqualTo(1);
        JsonNode error = FakeServer.JSON.valueToTree(failedStep.error());
        assertThat(error.toString()).contains("no answer for this llm call of step 'summarise'")
                .contains("recorded_request").contains("Summarise: Paris has 5 bridges").contains("Summarise briefly: Paris has 5 bridges");
        assertThat(client.runs().steps(strict.id()).stream().filter(s -> s.stepId().equals("fetch")).findFirst().orElseThrow().status())
                .isEqualTo("succeeded");
        assertThat(MODEL.requests.get()).isEqualTo(modelAtStop);
    }

    @Test
    void replayRefusesBadInputAndOtherTenantsRuns() {
        GriddleClient owner = newOrg();
        Runner runner = owner.runners().createYaml("""
                name: r-%s
                steps:
                  - id: fetch
                    type: http
                    with: {method: GET, url: "%s/facts?city=Bergen"}
                """.formatted(UUID.randomUUID(), WEB.url()));
        Run run = owner.runs().startAndWait(runner.id(), StartRun.of(null), Duration.ofSeconds(30));
        GriddleClient stranger = newOrg();
        expectError(404, "NOT_FOUND", () -> stranger.runs().recording(run.id()));
        expectError(404, "NOT_FOUND", () -> stranger.runs().replay(run.id(), ReplayRequest.strict()));
        expectError(404, "NOT_FOUND", () -> owner.runs().recording(UUID.randomUUID()));
        expectError(422, "VALIDATION_FAILED", () -> owner.runs().replay(run.id(), new ReplayRequest(null, "sometimes")));
        expectError(422, "VALIDATION_FAILED", () -> owner.runs().replay(run.id(), new ReplayRequest(0, "strict")));
        expectError(404, "NOT_FOUND", () -> owner.runs().replay(run.id(), new ReplayRequest(99, "strict")));
        assertThat(owner.runs().list("trigger_type=replay", dev.griddle.sdk.PageRequest.first()).data()).isEmpty();
    }
}

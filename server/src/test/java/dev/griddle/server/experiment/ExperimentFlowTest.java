package dev.griddle.server.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.ExperimentModels.CaseInput;
import dev.griddle.sdk.ExperimentModels.CreateDataset;
import dev.griddle.sdk.ExperimentModels.Dataset;
import dev.griddle.sdk.ExperimentModels.Experiment;
import dev.griddle.sdk.ExperimentModels.ExperimentCase;
import dev.griddle.sdk.ExperimentModels.PublishGate;
import dev.griddle.sdk.ExperimentModels.StartExperiment;
import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import dev.griddle.server.replay.FakeServer;
import java.math.BigDecimal;
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
 * Issue #18's "done when", datasets and experiments: three recorded runs of a runner with an
 * {@code http} and an {@code llm} step become a dataset; a publish gate over it refuses a version
 * whose prompt makes the model answer differently (the regression, with cost, token and latency
 * deltas and a JSON Patch per case), and publishes a harmless one; a replay-mode experiment sends
 * nothing out; runs started without a version meanwhile stay on the published version.
 */
class ExperimentFlowTest extends ApiTest {

    static final FakeServer WEB = new FakeServer(r -> {
        String city = r.pathAndQuery().replaceAll(".*city=", "");
        return "{\"fact\": \"" + city + " has " + city.length() + " bridges\"}";
    });
    /** The briefly-prompted version answers Rome and Oslo wrongly, with more tokens and more slowly. */
    static final FakeServer MODEL = new FakeServer(r -> {
        String prompt = FakeServer.prompt(r.body());
        if (prompt.contains("You are grading")) {
            return FakeServer.completion(prompt.contains("ramble") ? "Well, I think it is fine." : "{\"score\": 0.8, \"reason\": \"close enough\"}", 50, 10);
        }
        if (prompt.contains("briefly") && !prompt.contains("Paris")) {
            sleep(1500); // slower than the recorded runs by far, whatever the machine's load
            return FakeServer.completion("I cannot help with that", 400, 80);
        }
        java.util.regex.Matcher fact = java.util.regex.Pattern.compile("\\w+ has \\d+ bridges").matcher(prompt);
        return FakeServer.completion("Summary: " + (fact.find() ? fact.group() : "nothing"), 100, 20);
    });

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", () -> MODEL.url() + "/v1");
        registry.add("griddle.openai.api-key", () -> "sk-experiment-test");
        registry.add("griddle.llm.models[0].id", () -> "openai/test-model");
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
        registry.add("griddle.llm.models[0].input-usd-per-mtok", () -> "1");
        registry.add("griddle.llm.models[0].output-usd-per-mtok", () -> "2");
        registry.add("griddle.llm.max-attempts", () -> "1");
        registry.add("griddle.experiments.poll-interval", () -> "50ms");
    }

    @AfterAll
    static void stop() {
        WEB.stop();
        MODEL.stop();
    }

    static String steps(String prompt, boolean extraStep) {
        return ("""
                [{"id": "fetch", "type": "http", "with": {"method": "GET", "url": "%s/facts?city={{ input.city }}"}},
                 {"id": "summarise", "type": "llm", "needs": ["fetch"], "with": {"prompt": "%s {{ steps.fetch.output.body.fact }}"}}"""
                + (extraStep ? ", {\"id\": \"note\", \"type\": \"transform\", \"with\": {\"value\": \"checked\"}}]" : "]"))
                .formatted(WEB.url(), prompt);
    }

    static final JsonNode EVALUATORS = FakeServer.JSON.readTree("""
            [{"type": "equals", "name": "same_summary", "path": "summary"},
             {"type": "cel", "name": "is_summary", "expression": "output.summary.startsWith('Summary')"},
             {"type": "json_subset", "name": "subset"}]""");

    @Test
    void aGateRefusesARegressionPublishesAGoodVersionAndAReplayExperimentStaysOffline() {
        GriddleClient client = newOrg();
        Runner runner = client.runners().createYaml("""
                name: r-%s
                default_model: openai/test-model
                steps: %s
                output: {summary: "{{ steps.summarise.output.text }}"}
                """.formatted(UUID.randomUUID(), steps("Summarise:", false).replace("\n", " ")));
        List<UUID> recorded = new ArrayList<>();
        for (String city : List.of("Paris", "Rome", "Oslo")) {
            Run run = client.runs().startAndWait(runner.id(), StartRun.of(FakeServer.JSON.readTree("{\"city\": \"" + city + "\"}")), Duration.ofSeconds(30));
            assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
            recorded.add(run.id());
        }

        Dataset dataset = client.datasets().create(CreateDataset.fromRuns("cities", runner.id(), recorded));
        assertThat(dataset.cases()).hasSize(3).allSatisfy(c -> assertThat(c.recordedCalls()).isEqualTo(2));
        assertThat(dataset.cases()).extracting(c -> c.expected().path("summary").asString()).containsExactly("Summary: Paris has 5 bridges",
                "Summary: Rome has 4 bridges", "Summary: Oslo has 4 bridges");
        assertThat(dataset.cases().getFirst().sourceRunId()).isEqualTo(recorded.getFirst());
        String lines = client.datasets().exportLines(dataset.id());
        assertThat(lines.split("\n")).hasSize(3);
        Dataset copy = client.datasets().create(CreateDataset.ofCases("copy", runner.id(), List.of()));
        assertThat(client.datasets().importLines(copy.id(), lines + "\n\n")).hasSize(3);
        assertThat(client.datasets().get(copy.id()).cases()).extracting(c -> c.expected()).containsExactlyElementsOf(
                dataset.cases().stream().map(c -> c.expected()).toList());

        // experiment runs answer to the experiment's own cap: a runner budget of $0 that fails every run does not stop them
        client.send("PUT", "/api/v1/runners/" + runner.id() + "/budget", "{\"max_cost_usd_per_run\": 0, \"on_exceed\": \"fail\"}",
                Map.of("Content-Type", "application/json"));
        client.experiments().setGate(runner.id(), PublishGate.of(dataset.id(), new BigDecimal("0.9"),
                FakeServer.JSON.readTree("[{\"type\": \"equals\", \"name\": \"same_summary\", \"path\": \"summary\"}]")));

        // a changed prompt: the model answers two of the three cases differently; the gate refuses the version
        patch(client, runner.id(), "{\"steps\": " + steps("Summarise briefly:", false) + "}");
        GriddleApiException refused = expectError(422, "PUBLISH_GATE_FAILED", () -> client.runners().publish(runner.id()));
        assertThat(refused.apiMessage()).contains("pass_rate");
        assertThat(refused.details().get("field_errors").toString()).contains("pass_rate");
        UUID gateExperiment = UUID.fromString(String.valueOf(refused.details().get("experiment_id")));
        Experiment regression = client.experiments().get(gateExperiment);
        assertThat(regression.status()).isEqualTo("completed");
        assertThat(regression.version()).isEqualTo(2);
        assertThat(regression.summary().cases()).isEqualTo(3);
        assertThat(regression.summary().passRate()).isEqualTo(0.3333);
        assertThat(regression.summary().baselinePassRate()).isEqualTo(1.0);
        assertThat(regression.summary().passRate()).isLessThan(regression.summary().baselinePassRate());
        assertThat(regression.summary().costUsdDelta()).isPositive(); // 2 x (400 in + 80 out) against 100 in + 20 out
        assertThat(regression.summary().tokensDelta()).isEqualTo(2 * (480 - 120));
        assertThat(regression.summary().latencyMsP50Delta()).isNotNull().isPositive();
        ExperimentCase rome = regression.cases().stream().filter(c -> c.input().path("city").asString().equals("Rome")).findFirst().orElseThrow();
        assertThat(rome.passed()).isFalse();
        assertThat(rome.output().path("summary").asString()).isEqualTo("I cannot help with that");
        assertThat(rome.diff()).isEqualTo(FakeServer.JSON.readTree("[{\"op\": \"replace\", \"path\": \"/summary\", \"value\": \"I cannot help with that\"}]"));
        assertThat(rome.evaluations()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("same_summary");
            assertThat(e.reason()).contains("I cannot help with that");
        });
        assertThat(rome.costUsd()).isPositive();
        assertThat(rome.durationMs()).isNotNull();
        Run romeRun = client.runs().get(rome.runId());
        assertThat(romeRun.trigger().type()).isEqualTo("experiment");
        assertThat(romeRun.trigger().id()).isEqualTo(gateExperiment);
        assertThat(regression.cases()).filteredOn(c -> c.input().path("city").asString().equals("Paris")).singleElement()
                .satisfies(c -> assertThat(c.diff()).isEmpty());
        assertThat(client.runs().list("trigger_type=experiment&runner_id=" + runner.id(), PageRequest.first()).meta().total()).isEqualTo(3);

        // the refused draft is not published by a start without a version: that run stays on version 1
        assertThat(client.runners().get(runner.id()).latestVersion()).isEqualTo(1);
        Run meanwhile = client.runs().start(runner.id(), StartRun.of(FakeServer.JSON.readTree("{\"city\": \"Paris\"}")));
        assertThat(meanwhile.version()).isEqualTo(1);
        client.runs().await(meanwhile.id(), Duration.ofSeconds(30));

        // a harmless change passes the gate and is published
        patch(client, runner.id(), "{\"steps\": " + steps("Summarise:", true) + "}");
        var published = client.send("POST", "/api/v1/runners/" + runner.id() + "/versions", null, Map.of());
        assertThat(published.status()).as(published.body()).isEqualTo(201);
        assertThat(json(published).path("version").asInt()).isEqualTo(3);
        assertThat(client.runners().get(runner.id()).latestVersion()).isEqualTo(3);

        // replay mode: every call answered from the cases' recording copies, none goes out
        int web = WEB.requests.get();
        int model = MODEL.requests.get();
        Experiment replay = client.experiments().await(client.experiments().start(StartExperiment.of(dataset.id(), runner.id(), 3, EVALUATORS)
                .mode("replay").maxParallel(3)).id(), Duration.ofSeconds(60));
        assertThat(replay.status()).as(String.valueOf(replay.error())).isEqualTo("completed");
        assertThat(replay.summary().passRate()).isEqualTo(1.0);
        assertThat(replay.cases()).allSatisfy(c -> {
            assertThat(c.runStatus()).isEqualTo("succeeded");
            assertThat(c.evaluations()).extracting(e -> e.name()).containsExactly("same_summary", "is_summary", "subset");
            assertThat(c.diff()).isEmpty();
        });
        assertThat(WEB.requests.get()).isEqualTo(web);
        assertThat(MODEL.requests.get()).isEqualTo(model);
        assertThat(client.experiments().list(PageRequest.first()).data()).extracting(Experiment::id).contains(replay.id(), gateExperiment);

        // the experiment's own budget: at $0 no case runs, and it says why
        Experiment broke = client.experiments().await(client.experiments().start(StartExperiment.of(dataset.id(), runner.id(), 3, EVALUATORS)
                .maxCostUsd(BigDecimal.ZERO)).id(), Duration.ofSeconds(30));
        assertThat(broke.status()).isEqualTo("failed");
        assertThat(broke.error()).contains("max_cost_usd");
        assertThat(broke.cases()).allSatisfy(c -> assertThat(c.status()).isEqualTo("skipped"));
    }

    @Test
    void similarityAndJudgeEvaluatorsScoreEachCase() {
        GriddleClient client = newOrg();
        Runner runner = client.runners().createYaml("name: judged-%s\nsteps: [{id: t, type: transform, with: {value: \"{{ input.text }}\"}}]\noutput: {text: \"{{ steps.t.output }}\"}"
                .formatted(UUID.randomUUID()));
        client.runners().publish(runner.id());
        Dataset dataset = client.datasets().create(CreateDataset.ofCases("judged", runner.id(), List.of(new CaseInput(
                FakeServer.JSON.readTree("{\"text\": \"Paris has many bridges over the Seine\"}"),
                FakeServer.JSON.readTree("{\"text\": \"Paris has many bridges over the Seine\"}")))));
        JsonNode evaluators = FakeServer.JSON.readTree("""
                [{"type": "similarity", "name": "close", "path": "text", "min": 0.9},
                 {"type": "llm_judge", "name": "judge", "rubric": "says something true about Paris", "model": "openai/test-model", "min_score": 0.5},
                 {"type": "llm_judge", "name": "rambler", "rubric": "ramble on", "model": "openai/test-model", "min_score": 0.5}]""");
        Experiment e = client.experiments().await(client.experiments().start(StartExperiment.of(dataset.id(), runner.id(), 1, evaluators)).id(),
                Duration.ofSeconds(60));
        assertThat(e.status()).as(String.valueOf(e.error())).isEqualTo("completed");
        ExperimentCase only = e.cases().getFirst();
        assertThat(only.evaluations()).extracting(ev -> ev.name(), ev -> ev.passed()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("close", true), org.assertj.core.groups.Tuple.tuple("judge", true),
                org.assertj.core.groups.Tuple.tuple("rambler", false));
        assertThat(only.evaluations().get(0).score()).isGreaterThan(0.99);
        assertThat(only.evaluations().get(1).score()).isEqualTo(0.8);
        assertThat(only.evaluations().get(1).reason()).isEqualTo("close enough");
        assertThat(only.evaluations().get(2).reason()).contains("not {\"score\": 0..1").contains("Well, I think it is fine.");
        assertThat(e.summary().passRate()).isEqualTo(0.0);
        assertThat(e.summary().evaluationCostUsd()).isPositive(); // four judge questions: the version's and the baseline's
    }

    @Test
    void badInputOtherTenantsAndCancel() {
        GriddleClient owner = newOrg();
        Runner runner = owner.runners().createYaml("""
                name: r-%s
                steps:
                  - id: fetch
                    type: http
                    with: {method: GET, url: "%s/facts?city=Bergen"}
                  - id: ok
                    type: approval
                    needs: [fetch]
                    with: {message: "go on?"}
                """.formatted(UUID.randomUUID(), WEB.url()));
        owner.runners().publish(runner.id());
        Dataset given = owner.datasets().create(CreateDataset.ofCases("given", runner.id(),
                List.of(new CaseInput(FakeServer.JSON.readTree("{\"n\": 1}"), null))));
        GriddleClient stranger = newOrg();
        Runner strangers = stranger.runners().createYaml("name: s-%s\nsteps: [{id: t, type: transform, with: {value: 1}}]".formatted(UUID.randomUUID()));
        Run ownersRun = owner.runs().start(runner.id(), StartRun.of(null));

        expectError(404, "NOT_FOUND", () -> owner.datasets().get(UUID.randomUUID()));
        expectError(404, "NOT_FOUND", () -> stranger.datasets().get(given.id()));
        expectError(404, "NOT_FOUND", () -> stranger.datasets().create(CreateDataset.ofCases("x", runner.id(), List.of())));
        expectError(404, "NOT_FOUND", () -> stranger.datasets().create(CreateDataset.fromRuns("x", strangers.id(), List.of(ownersRun.id()))));
        assertThat(stranger.datasets().list(PageRequest.first()).meta().total()).isZero();
        expectError(404, "NOT_FOUND", () -> owner.experiments().start(StartExperiment.of(UUID.randomUUID(), runner.id(), 1, null)));
        expectError(404, "NOT_FOUND", () -> stranger.experiments().start(StartExperiment.of(given.id(), runner.id(), 1, null)));
        expectError(404, "NOT_FOUND", () -> stranger.experiments().start(StartExperiment.of(given.id(), strangers.id(), 1, null)));
        GriddleApiException badMin = expectError(422, "VALIDATION_FAILED", () -> owner.experiments().start(StartExperiment.of(given.id(), runner.id(), 1,
                FakeServer.JSON.readTree("[{\"type\": \"similarity\", \"min\": 2}]"))));
        assertThat(badMin.details().toString()).contains("evaluators[0].min");
        GriddleApiException badCel = expectError(422, "VALIDATION_FAILED", () -> owner.experiments().start(StartExperiment.of(given.id(), runner.id(), 1,
                FakeServer.JSON.readTree("[{\"type\": \"cel\", \"expression\": \"output.(\"}]"))));
        assertThat(badCel.details().toString()).contains("evaluators[0].expression");
        expectError(422, "VALIDATION_FAILED", () -> owner.experiments().start(StartExperiment.of(given.id(), runner.id(), 1,
                FakeServer.JSON.readTree("[{\"type\": \"llm_judge\", \"rubric\": \"r\", \"model\": \"nobody/none\", \"min_score\": 0.5}]"))));
        expectError(422, "VALIDATION_FAILED", () -> owner.experiments().start(StartExperiment.of(given.id(), runner.id(), 1, null).maxParallel(1000)));
        GriddleApiException unrecorded = expectError(422, "CASE_NOT_RECORDED", () -> owner.experiments().start(StartExperiment.of(given.id(),
                runner.id(), 1, null).mode("replay")));
        assertThat(unrecorded.apiMessage()).contains(given.cases().getFirst().id().toString());
        expectError(422, "VALIDATION_FAILED", () -> owner.datasets().importLines(given.id(), "{\"input\": 1}\nnot json\n"));
        assertThat(owner.datasets().get(given.id()).caseCount()).isEqualTo(1);
        expectError(404, "NOT_FOUND", () -> stranger.experiments().setGate(runner.id(), PublishGate.of(given.id(), BigDecimal.ONE, null)));
        expectError(422, "VALIDATION_FAILED", () -> owner.experiments().setGate(runner.id(), PublishGate.of(given.id(), new BigDecimal("1.5"), null)));
        expectError(404, "NOT_FOUND", () -> owner.experiments().gate(runner.id()));

        // cancel: the case's run waits on its approval until the experiment is cancelled, and is cancelled with it
        Experiment started = owner.experiments().start(StartExperiment.of(given.id(), runner.id(), 1, null));
        assertThat(started.status()).isEqualTo("queued");
        UUID runId = awaitRun(owner, started.id());
        expectError(404, "NOT_FOUND", () -> stranger.experiments().cancel(started.id()));
        Experiment cancelled = owner.experiments().cancel(started.id());
        assertThat(cancelled.status()).isEqualTo("cancelled");
        assertThat(owner.runs().await(runId, Duration.ofSeconds(30)).status()).isEqualTo("cancelled");
        expectError(409, "CONFLICT", () -> owner.experiments().cancel(started.id()));

        owner.datasets().deleteCase(given.id(), given.cases().getFirst().id());
        assertThat(owner.datasets().get(given.id()).cases()).isEmpty();
        owner.datasets().delete(given.id());
        expectError(404, "NOT_FOUND", () -> owner.datasets().get(given.id()));
    }

    private static UUID awaitRun(GriddleClient client, UUID experimentId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Experiment e = client.experiments().get(experimentId);
            if (!e.cases().isEmpty() && e.cases().getFirst().runId() != null) {
                return e.cases().getFirst().runId();
            }
            sleep(50);
        }
        throw new AssertionError("experiment " + experimentId + " started no run in 30 s");
    }

    private static void patch(GriddleClient client, UUID runnerId, String json) {
        var response = client.send("PATCH", "/api/v1/runners/" + runnerId, json, Map.of("Content-Type", "application/json"));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

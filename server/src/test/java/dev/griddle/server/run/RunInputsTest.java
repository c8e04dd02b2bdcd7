package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.parse;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.RunnerInput;
import dev.griddle.server.ApiTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bad input to the runs API: schema failures, invalid drafts, unknown ids, other tenants, replays. */
class RunInputsTest extends ApiTest {

    @Test
    void inputFailingTheSchemaIs422AndStartsNothing() {
        GriddleClient c = newOrg();
        var r = runner(c, """
                input_schema: {type: object, required: [n], properties: {n: {type: integer, minimum: 1}}}
                steps:
                  - {id: a, type: transform, with: {value: "{{ input.n }}"}}
                """);
        var e = expectError(422, "VALIDATION_FAILED", () -> c.runs().start(r.id(), StartRun.of(parse("{\"n\": 0}"))));
        assertThat(e.details()).containsKey("errors");
        expectError(422, "VALIDATION_FAILED", () -> c.runs().start(r.id(), StartRun.of(parse("{}"))));
        assertThat(c.runs().listForRunner(r.id(), PageRequest.first()).data()).isEmpty();
        assertThat(c.runs().start(r.id(), StartRun.of(parse("{\"n\": 3}"))).status()).isIn("queued", "running", "succeeded");
    }

    @Test
    void invalidDraftsCannotRun() {
        GriddleClient c = newOrg();
        var r = runner(c, "steps:\n  - {id: a, type: teleport}\n");
        expectError(422, "VALIDATION_FAILED", () -> c.runs().start(r.id(), StartRun.of(null)));
        assertThat(c.runs().listForRunner(r.id(), PageRequest.first()).data()).isEmpty();
    }

    @Test
    void unknownAndForeignIdsAreNotFound() {
        GriddleClient c = newOrg();
        GriddleClient other = newOrg();
        var r = runner(c, "steps:\n  - {id: a, type: approval, with: {message: hi}}\n");
        Run run = c.runs().start(r.id(), StartRun.of(null));
        expectError(404, "NOT_FOUND", () -> c.runs().start(UUID.randomUUID(), StartRun.of(null)));
        expectError(404, "NOT_FOUND", () -> other.runs().start(r.id(), StartRun.of(null)));
        expectError(404, "NOT_FOUND", () -> other.runs().get(run.id()));
        expectError(404, "NOT_FOUND", () -> other.runs().steps(run.id()));
        expectError(404, "NOT_FOUND", () -> other.runs().events(run.id(), null, 10));
        expectError(404, "NOT_FOUND", () -> other.runs().cancel(run.id(), "immediate"));
        expectError(404, "NOT_FOUND", () -> c.runs().get(UUID.randomUUID()));
        assertEnvelope(c.raw("GET", "/api/v1/runs/not-a-uuid", null, Map.of()), 404, "NOT_FOUND");
        expectError(404, "NOT_FOUND", () -> c.runs().start(r.id(), new StartRun(null, 99, null)));
        assertThat(other.runs().list(null, PageRequest.first()).data()).isEmpty();
        assertThat(c.runs().get(run.id()).status()).isEqualTo("waiting");
    }

    @Test
    void feedFiltersAreChecked() {
        GriddleClient c = newOrg();
        assertEnvelope(c.raw("GET", "/api/v1/runs?status=nope", null, Map.of()), 422, "VALIDATION_FAILED");
        assertEnvelope(c.raw("GET", "/api/v1/runs?from=yesterday", null, Map.of()), 422, "VALIDATION_FAILED");
        assertEnvelope(c.raw("GET", "/api/v1/runs?trigger_type=fax", null, Map.of()), 422, "VALIDATION_FAILED");
        assertEnvelope(c.raw("GET", "/api/v1/runs?per_page=101", null, Map.of()), 422, "VALIDATION_FAILED");
        var r = runner(c, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        Run run = RunnerFixtures.runToEnd(c, r.id(), null);
        assertThat(c.runs().list("status=succeeded&trigger_type=api", PageRequest.first()).data()).extracting(Run::id).contains(run.id());
        assertThat(c.runs().list("status=failed", PageRequest.first()).data()).isEmpty();
    }

    @Test
    void wrongTypesAndMalformedBodiesAreRejected() {
        GriddleClient c = newOrg();
        var r = runner(c, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        String path = "/api/v1/runners/" + r.id() + "/runs";
        Map<String, String> json = Map.of("Content-Type", "application/json");
        assertEnvelope(c.raw("POST", path, "{\"version\": \"latest\"}", json), 422, "VALIDATION_FAILED");
        assertEnvelope(c.raw("POST", path, "{\"input\": ", json), 400, "BAD_REQUEST");
        assertEnvelope(c.raw("POST", path, "{\"step_overrides\": [1]}", json), 422, "VALIDATION_FAILED");
        assertThat(c.runs().listForRunner(r.id(), PageRequest.first()).data()).isEmpty();
    }

    @Test
    void theSameIdempotencyKeyStartsOneRun() {
        GriddleClient c = newOrg();
        var r = runner(c, "steps:\n  - {id: a, type: approval, with: {message: hi}}\n");
        Run first = c.runs().start(r.id(), StartRun.of(parse("{\"x\": 1}")), "order-42");
        Run again = c.runs().start(r.id(), StartRun.of(parse("{\"x\": 1}")), "order-42");
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(c.runs().listForRunner(r.id(), PageRequest.first()).meta().total()).isEqualTo(1);
        expectError(422, "IDEMPOTENCY_KEY_REUSED", () -> c.runs().start(r.id(), StartRun.of(parse("{\"x\": 2}")), "order-42"));
    }

    @Test
    void editThenRunPublishesTheDraftOnce() {
        GriddleClient c = newOrg();
        var r = runner(c, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        assertThat(RunnerFixtures.runToEnd(c, r.id(), null).version()).isEqualTo(1);
        assertThat(RunnerFixtures.runToEnd(c, r.id(), null).version()).isEqualTo(1);
        c.runners().update(r.id(), new RunnerInput(null, "changed", null, null, null,
                c.runners().get(r.id()).steps().stream().map(s -> new dev.griddle.sdk.RunnerModels.Step(s.id(), s.type(), s.needs(), s.condition(),
                        parse("{\"value\": 2}"), s.retry(), s.timeoutMs(), s.runsOn(), s.forEach(), s.maxParallel(), s.disabled())).toList(), null));
        Run second = RunnerFixtures.runToEnd(c, r.id(), null);
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.output().path("a").asInt()).isEqualTo(2);
        assertThat(RunnerFixtures.runToEnd(c, r.id(), null) .version()).isEqualTo(2);
    }

    @Test
    void viewersReadRunsButCannotStartThem() {
        GriddleClient c = newOrg();
        var r = runner(c, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        GriddleClient viewer = client(c.keys().create(CreateKey.of("v", "viewer")).secret());
        expectError(403, "FORBIDDEN", () -> viewer.runs().start(r.id(), StartRun.of(null)));
        Run run = RunnerFixtures.runToEnd(c, r.id(), null);
        assertThat(viewer.runs().get(run.id()).status()).isEqualTo("succeeded");
        RawResponse steps = viewer.raw("GET", "/api/v1/runs/" + run.id() + "/steps", null, Map.of());
        assertThat(steps.status()).isEqualTo(200);
    }
}

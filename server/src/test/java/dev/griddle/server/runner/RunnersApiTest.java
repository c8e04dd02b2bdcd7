package dev.griddle.server.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.RunnerInput;
import dev.griddle.sdk.RunnerModels.Step;
import dev.griddle.server.ApiTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RunnersApiTest extends ApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static JsonNode json(String s) {
        return JSON.readTree(s.replace('\'', '"'));
    }

    static Step transform(String id, String value) {
        return Step.of(id, "transform", json("{'value': " + value + "}"));
    }

    static String digestYaml() {
        try (var in = RunnersApiTest.class.getResourceAsStream("/runner/digest-runner.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void crud() {
        GriddleClient admin = newOrg();
        Runner created = admin.runners().create(RunnerInput.named("hello").withSteps(List.of(transform("greet", "'hi {{ input.name }}'")))
                .withOutput(json("{'greeting': '{{ steps.greet.output }}'}")));
        assertThat(created.id()).isNotNull();
        assertThat(created.valid()).isTrue();
        assertThat(created.latestVersion()).isNull();
        assertThat(created.steps()).singleElement().satisfies(s -> assertThat(s.id()).isEqualTo("greet"));
        assertThat(created.createdAt()).isNotNull();

        Runner renamed = admin.runners().update(created.id(), new RunnerInput("hello-2", "says hi", null, null, null, null, null));
        assertThat(renamed.name()).isEqualTo("hello-2");
        assertThat(renamed.description()).isEqualTo("says hi");
        assertThat(renamed.steps()).hasSize(1);
        assertThat(renamed.output()).isEqualTo(created.output());

        assertThat(admin.runners().list(PageRequest.first()).data()).extracting(Runner::name).containsExactly("hello-2");
        admin.runners().delete(created.id());
        expectError(404, "NOT_FOUND", () -> admin.runners().get(created.id()));
        expectError(404, "NOT_FOUND", () -> admin.runners().delete(created.id()));
    }

    @Test
    void createsFromYaml() {
        GriddleClient admin = newOrg();
        Runner digest = admin.runners().createYaml(digestYaml());
        assertThat(digest.name()).isEqualTo("daily-digest");
        assertThat(digest.valid()).as("%s", admin.runners().validate(digest.id())).isTrue();
        assertThat(digest.steps()).extracting(Step::id).containsExactly("fetch", "summarise", "digest", "review", "post");
        assertThat(digest.steps().get(0).maxParallel()).isEqualTo(5);
        assertThat(digest.steps().get(4).condition()).isEqualTo("steps.review.output.approved && has(input.channel_url)");
        assertThat(digest.inputSchema().path("required").get(0).asString()).isEqualTo("urls");
        assertThat(admin.runners().publish(digest.id()).version()).isEqualTo(1);
    }

    @Test
    void malformedYamlIs400AndWrongTypesAre422() {
        GriddleClient admin = newOrg();
        RawResponse broken = admin.raw("POST", "/api/v1/runners", "name: [unclosed", Map.of("Content-Type", "application/yaml"));
        assertEnvelope(broken, 400, "BAD_REQUEST");
        RawResponse wrongType = admin.raw("POST", "/api/v1/runners", "name: x\nsteps:\n  - id: a\n    timeout_ms: soon\n",
                Map.of("Content-Type", "text/yaml"));
        JsonNode body = assertEnvelope(wrongType, 422, "VALIDATION_FAILED");
        assertThat(body.path("error").path("details").path("field_errors").has("steps[0].timeout_ms")).as(body.toString()).isTrue();

        for (String bad : List.of("{'name': 5}", "{'name': 'x', 'steps': {}}", "{'name': 'x', 'steps': [{'id': 'a', 'needs': 'b'}]}",
                "{'name': 'x', 'steps': [{'id': 'a', 'retry': {'max_attempts': 'many'}}]}", "{'name': 'x', 'project_id': 'nope'}")) {
            assertEnvelope(admin.raw("POST", "/api/v1/runners", bad.replace('\'', '"'), Map.of()), 422, "VALIDATION_FAILED");
        }
        assertEnvelope(admin.raw("POST", "/api/v1/runners", "{\"description\": \"no name\"}", Map.of()), 422, "VALIDATION_FAILED");
    }

    @Test
    void namesAreUniquePerOrganization() {
        GriddleClient admin = newOrg();
        Runner first = admin.runners().create(RunnerInput.named("dup"));
        expectError(409, "CONFLICT", () -> admin.runners().create(RunnerInput.named("dup")));
        Runner other = admin.runners().create(RunnerInput.named("other"));
        expectError(409, "CONFLICT", () -> admin.runners().update(other.id(), RunnerInput.named("dup")));
        newOrg().runners().create(RunnerInput.named("dup"));
        assertThat(admin.runners().update(first.id(), RunnerInput.named("dup")).name()).isEqualTo("dup");
    }

    @Test
    void invalidDraftIsSavedAndValidatedButNotPublished() {
        GriddleClient admin = newOrg();
        Runner runner = admin.runners().create(RunnerInput.named("broken").withSteps(List.of(
                Step.of("a", "http", json("{'method': 'GET'}")),
                transform("b", "'{{ steps.a.output }}'"),
                transform("c", "1").needing("ghost"))));
        assertThat(runner.valid()).isFalse();

        var result = admin.runners().validate(runner.id());
        assertThat(result.valid()).isFalse();
        assertThat(result.errors()).extracting(e -> e.stepId() + " " + e.path()).containsExactlyInAnyOrder(
                "a steps[0].with.url", "b steps[1].with.value", "c steps[2].needs[0]");

        GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> admin.runners().publish(runner.id()));
        assertThat((List<?>) e.details().get("errors")).hasSize(3);
        assertThat(admin.runners().versions(runner.id(), PageRequest.first()).data()).isEmpty();

        Runner fixed = admin.runners().update(runner.id(), RunnerInput.named("broken").withSteps(List.of(
                Step.of("a", "http", json("{'method': 'GET', 'url': 'https://x.test'}")), transform("b", "'{{ steps.a.output }}'").needing("a"))));
        assertThat(fixed.valid()).isTrue();
        assertThat(admin.runners().validate(runner.id()).errors()).isEmpty();
    }

    @Test
    void publishesImmutableVersionsAndSkipsUnchangedDrafts() {
        GriddleClient admin = newOrg();
        Runner runner = admin.runners().create(RunnerInput.named("v").withSteps(List.of(transform("a", "1"))));
        String path = "/api/v1/runners/" + runner.id() + "/versions";

        RawResponse first = admin.send("POST", path, null, Map.of());
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Location")).hasValue(path + "/1");
        RawResponse again = admin.send("POST", path, null, Map.of());
        assertThat(again.status()).isEqualTo(200);
        assertThat(json(again).path("version").asInt()).isEqualTo(1);

        admin.runners().update(runner.id(), RunnerInput.named("v").withSteps(List.of(transform("a", "2"))));
        assertThat(admin.runners().publish(runner.id()).version()).isEqualTo(2);
        assertThat(admin.runners().get(runner.id()).latestVersion()).isEqualTo(2);

        var v1 = admin.runners().version(runner.id(), 1);
        assertThat(v1.name()).isEqualTo("v");
        assertThat(v1.runnerId()).isEqualTo(runner.id());
        assertThat(v1.steps().getFirst().with().get("value").asInt()).isEqualTo(1);
        assertThat(admin.runners().versions(runner.id(), PageRequest.first()).data()).extracting(v -> v.version()).containsExactly(2, 1);
        expectError(404, "NOT_FOUND", () -> admin.runners().version(runner.id(), 3));
    }

    @Test
    void otherOrganizationsSeeNothing() {
        GriddleClient a = newOrg();
        GriddleClient b = newOrg();
        Runner runner = a.runners().create(RunnerInput.named("mine").withSteps(List.of(transform("a", "1"))));
        a.runners().publish(runner.id());
        expectError(404, "NOT_FOUND", () -> b.runners().get(runner.id()));
        expectError(404, "NOT_FOUND", () -> b.runners().update(runner.id(), RunnerInput.named("stolen")));
        expectError(404, "NOT_FOUND", () -> b.runners().delete(runner.id()));
        expectError(404, "NOT_FOUND", () -> b.runners().validate(runner.id()));
        expectError(404, "NOT_FOUND", () -> b.runners().publish(runner.id()));
        expectError(404, "NOT_FOUND", () -> b.runners().versions(runner.id(), PageRequest.first()));
        expectError(404, "NOT_FOUND", () -> b.runners().version(runner.id(), 1));
        assertThat(b.runners().list(PageRequest.first()).data()).isEmpty();
        var foreignProject = a.projects().create("p", null);
        expectError(422, "VALIDATION_FAILED", () -> b.runners().create(RunnerInput.named("x").inProject(foreignProject.id())));
    }

    @Test
    void projectLimitedKeysSeeOnlyTheirProjects() {
        GriddleClient admin = newOrg();
        var mine = admin.projects().create("mine", null);
        var theirs = admin.projects().create("theirs", null);
        Runner inMine = admin.runners().create(RunnerInput.named("in-mine").inProject(mine.id()));
        Runner inTheirs = admin.runners().create(RunnerInput.named("in-theirs").inProject(theirs.id()));
        Runner loose = admin.runners().create(RunnerInput.named("loose"));

        var key = admin.keys().create(new CreateKey("limited", "contributor", List.of(mine.id()), null));
        GriddleClient limited = admin.withApiKey(key.secret());
        assertThat(limited.runners().list(PageRequest.first()).data()).extracting(Runner::name).containsExactly("in-mine");
        assertThat(limited.runners().get(inMine.id()).projectId()).isEqualTo(mine.id());
        expectError(404, "NOT_FOUND", () -> limited.runners().get(inTheirs.id()));
        expectError(404, "NOT_FOUND", () -> limited.runners().get(loose.id()));
        expectError(422, "VALIDATION_FAILED", () -> limited.runners().create(RunnerInput.named("nowhere")));
        expectError(422, "VALIDATION_FAILED", () -> limited.runners().create(RunnerInput.named("there").inProject(theirs.id())));
        assertThat(limited.runners().create(RunnerInput.named("here").inProject(mine.id())).projectId()).isEqualTo(mine.id());

        assertThat(admin.runners().list(theirs.id(), PageRequest.first()).data()).extracting(Runner::name).containsExactly("in-theirs");
        assertThat(admin.projects().members(mine.id()).runners()).extracting(m -> m.name()).containsExactly("here", "in-mine");
        expectError(409, "CONFLICT", () -> admin.projects().delete(mine.id()));
    }

    @Test
    void unknownIdsAre404() {
        GriddleClient admin = newOrg();
        expectError(404, "NOT_FOUND", () -> admin.runners().get(UUID.randomUUID()));
        assertEnvelope(admin.raw("GET", "/api/v1/runners/not-a-uuid", null, Map.of()), 404, "NOT_FOUND");
    }
}

package dev.griddle.server.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

class StepParserTest {

    private static final JsonMapper JSON = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    private static final UUID CHILD = UUID.fromString("0b6c2a4e-1f0d-4c39-9a57-3d2b8e6f1a70");

    private static StoredStep step(String type, String with) {
        return step(type, with, null);
    }

    private static StoredStep step(String type, String with, String forEach) {
        JsonNode args = with == null ? null : JSON.readTree(with.replace('\'', '"'));
        return new StoredStep("s", type, List.of(), null, args, null, null, null, forEach, null, false);
    }

    private static StoredStep onWorkers(String type, String with) {
        return new StoredStep("s", type, List.of(), null, JSON.readTree(with.replace('\'', '"')), null, null, List.of("gpu"), null, null, false);
    }

    private static String orgScopes(int n) {
        return "[" + String.join(", ", java.util.Collections.nCopies(n, "{'scope_type': 'org'}")) + "]";
    }

    private static List<StepParser.Problem> problems(StoredStep step) {
        List<StepParser.Problem> out = new ArrayList<>();
        StepParser.read(step, out);
        return out;
    }

    @Test
    void eachTypeGetsItsRecordWithTypedFields() {
        assertThat(step("transform", "{'value': {'a': 1}}").toSpec()).isInstanceOfSatisfying(StepSpec.Transform.class,
                t -> assertThat(t.value().path("a").asInt()).isEqualTo(1));
        assertThat(step("http", "{'method': 'POST', 'url': 'https://x.test/{{ input.q }}'}").toSpec()).isInstanceOfSatisfying(StepSpec.Http.class,
                h -> assertThat(h.method() + " " + h.url()).isEqualTo("POST https://x.test/{{ input.q }}"));
        assertThat(step("llm", "{'prompt': 'hi', 'model': 'openai/gpt-4o', 'agent_id': '" + CHILD + "'}").toSpec())
                .isInstanceOfSatisfying(StepSpec.Llm.class, l -> {
                    assertThat(l.model()).isEqualTo("openai/gpt-4o");
                    assertThat(l.agentId()).isEqualTo(CHILD);
                });
        assertThat(step("tool", "{'tool': 'web_search'}").toSpec()).isInstanceOfSatisfying(StepSpec.Tool.class,
                t -> assertThat(t.tool()).isEqualTo("web_search"));
        assertThat(step("approval", "{'message': 'ok?', 'timeout_ms': 300, 'on_timeout': 'approve'}").toSpec())
                .isEqualTo(new StepSpec.Approval(step("x", null).common(), JSON.readTree("{\"message\": \"ok?\", \"timeout_ms\": 300, \"on_timeout\": \"approve\"}"),
                        "ok?", 300L, StepSpec.OnTimeout.APPROVE));
        assertThat(step("approval", "{}").toSpec()).isInstanceOfSatisfying(StepSpec.Approval.class,
                a -> assertThat(a.onTimeout()).isEqualTo(StepSpec.OnTimeout.REJECT));
        assertThat(step("wait", "{'duration_ms': 1500}").toSpec()).isInstanceOfSatisfying(StepSpec.Wait.class,
                w -> assertThat(w.readyAt(Instant.EPOCH)).isEqualTo(Instant.ofEpochMilli(1500)));
        assertThat(step("wait", "{'until': '2030-01-31T09:00:00Z'}").toSpec()).isInstanceOfSatisfying(StepSpec.Wait.class,
                w -> assertThat(w.until()).isEqualTo(Instant.parse("2030-01-31T09:00:00Z")));
        assertThat(step("runner", "{'runner_id': '" + CHILD + "', 'version': 3, 'input': {'n': 1}}").toSpec())
                .isInstanceOfSatisfying(StepSpec.ChildRun.class, c -> {
                    assertThat(c.runnerId()).isEqualTo(CHILD);
                    assertThat(c.version()).isEqualTo(3);
                    assertThat(c.input().path("n").asInt()).isEqualTo(1);
                });
        assertThat(step("task", "{'task_type': 'ocr', 'input': {'page': 2}}").toSpec()).isInstanceOfSatisfying(StepSpec.Task.class, t -> {
            assertThat(t.taskType()).isEqualTo("ocr");
            assertThat(t.input().path("page").asInt()).isEqualTo(2);
        });
        assertThat(step("retrieve", "{'query': 'refunds {{ input.q }}', 'scopes': [{'scope_type': 'org'}, {'scope_type': 'agent', 'scope_id': '" + CHILD
                + "'}], 'top_k': 3}").toSpec()).isInstanceOfSatisfying(StepSpec.Retrieve.class, r -> {
                    assertThat(r.query()).isEqualTo("refunds {{ input.q }}");
                    assertThat(r.scopes()).containsExactly(new StepSpec.ScopeName("org", null), new StepSpec.ScopeName("agent", CHILD));
                    assertThat(r.topK()).isEqualTo(3);
                });
    }

    @Test
    void templatedTypedFieldsWaitForRenderingAndAreCheckedThen() {
        StepSpec.Wait timer = (StepSpec.Wait) step("wait", "{'duration_ms': '{{ input.ms }}'}").toSpec();
        assertThat(timer.durationMs()).isNull();
        assertThat(StepSpec.rendered(timer, JSON.readTree("{\"duration_ms\": 20}")).readyAt(Instant.EPOCH)).isEqualTo(Instant.ofEpochMilli(20));
        assertThatThrownBy(() -> StepSpec.rendered(timer, JSON.readTree("{\"duration_ms\": -1}")))
                .isInstanceOf(InvalidStepArguments.class).hasMessage("wait: with.duration_ms must be >= 0, was -1");

        StepSpec.ChildRun child = (StepSpec.ChildRun) step("runner", "{'runner_id': '{{ input.r }}'}").toSpec();
        assertThat(child.runnerId()).isNull();
        assertThat(StepSpec.rendered(child, JSON.readTree("{\"runner_id\": \"" + CHILD + "\"}")).runnerId()).isEqualTo(CHILD);
        // after rendering a value is literal, even one that looks like a template
        assertThatThrownBy(() -> StepSpec.rendered(child, JSON.readTree("{\"runner_id\": \"{{ x }}\"}")))
                .hasMessage("runner: with.runner_id must be an id (a UUID), was '{{ x }}'");

        StepSpec.Approval approval = (StepSpec.Approval) step("approval", "{'on_timeout': '{{ input.decide }}'}").toSpec();
        assertThat(approval.onTimeout()).isNull();
        assertThatThrownBy(() -> StepSpec.rendered(approval, JSON.readTree("{\"on_timeout\": \"maybe\"}")))
                .hasMessage("approval: with.on_timeout must be one of [approve, reject], was 'maybe'");
    }

    static Stream<Arguments> refusedAtPublish() {
        return Stream.of(
                Arguments.of(step("approval", "{'on_timeout': 'maybe'}"), "with.on_timeout", "must be one of [approve, reject] (or a {{ }} template), was 'maybe'"),
                Arguments.of(step("approval", "{'timeout_ms': 0}"), "with.timeout_ms", "must be >= 1, was 0"),
                Arguments.of(step("approval", "{'timeout_ms': 'soon'}"), "with.timeout_ms", "must be an integer"),
                Arguments.of(step("wait", "{'duration_ms': -5}"), "with.duration_ms", "must be >= 0, was -5"),
                Arguments.of(step("wait", "{'duration_ms': '5s'}"), "with.duration_ms", "must be an integer (or a {{ }} template), was \"5s\""),
                Arguments.of(step("wait", "{'duration_ms': 1.5}"), "with.duration_ms", "must be an integer"),
                Arguments.of(step("wait", "{'until': 'tomorrow'}"), "with.until", "must be an RFC 3339 timestamp"),
                Arguments.of(step("wait", "{'until': 1700000000}"), "with.until", "must be an RFC 3339 timestamp"),
                Arguments.of(step("wait", "{'duration_ms': 5, 'until': '2030-01-31T09:00:00Z'}"), "with", "not both"),
                Arguments.of(step("wait", "{}"), "with", "duration_ms or until"),
                Arguments.of(step("runner", "{'runner_id': 'child'}"), "with.runner_id", "must be an id (a UUID) (or a {{ }} template), was 'child'"),
                Arguments.of(step("runner", "{'runner_id': '1-1-1-1-1'}"), "with.runner_id", "must be an id (a UUID)"),
                Arguments.of(step("runner", "{'runner_id': '" + CHILD + "', 'version': 0}"), "with.version", "must be between 1 and 2147483647"),
                Arguments.of(step("runner", "{'runner_id': '" + CHILD + "'}", "input.xs"), "for_each", "is not supported on runner steps"),
                Arguments.of(step("approval", "{}", "input.xs"), "for_each", "is not supported on approval steps"),
                Arguments.of(step("llm", "{'prompt': 'p', 'agent_id': 'helper'}"), "with.agent_id", "must be an id (a UUID)"),
                Arguments.of(step("llm", "{'prompt': 'p', 'model': 5}"), "with.model", "must be a non-empty string"),
                Arguments.of(step("http", "{'method': 'FETCH', 'url': 'https://x'}"), "with.method", "must be one of"),
                Arguments.of(step("task", "{'task_type': ''}"), "with.task_type", "must be a non-empty string"),
                Arguments.of(step("retrieve", "{'top_k': 2}"), "with.query", "required for a step of type 'retrieve'"),
                Arguments.of(step("retrieve", "{'query': 'q', 'top_k': 0}"), "with.top_k", "must be >= 1, was 0"),
                Arguments.of(step("retrieve", "{'query': 'q', 'scopes': 'org'}"), "with.scopes", "must be a list of {scope_type, scope_id} (or a {{ }} template)"),
                Arguments.of(step("retrieve", "{'query': 'q', 'scopes': [5]}"), "with.scopes[0]", "must be an object"),
                Arguments.of(step("retrieve", "{'query': 'q', 'scopes': [{'scope_id': '" + CHILD + "'}]}"), "with.scopes[0].scope_type", "required"),
                Arguments.of(step("retrieve", "{'query': 'q', 'scopes': [{'scope_type': 'runner', 'scope_id': 'mine'}]}"), "with.scopes[0].scope_id",
                        "must be an id (a UUID)"),
                Arguments.of(step("retrieve", "{'query': 'q', 'scopes': [{'scope_type': 'runner'}]}"), "with.scopes[0].scope_id",
                        "required for scope_type runner"),
                Arguments.of(onWorkers("retrieve", "{'query': 'q'}"), "runs_on", "is not supported on retrieve steps"),
                Arguments.of(step("retrieve", "{'query': 'q', 'scopes': " + orgScopes(21) + "}"), "with.scopes", "must name at most 20 scopes, named 21"),
                Arguments.of(step("transform", "[1]"), "with", "must be an object, was array"),
                Arguments.of(step("email", "{}"), "type", "unknown step type 'email'"),
                Arguments.of(step(null, "{}"), "type", "required"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("refusedAtPublish")
    void refusesWithThePathOfTheArgument(StoredStep step, String path, String message) {
        assertThat(problems(step)).anySatisfy(p -> {
            assertThat(p.path()).isEqualTo(path);
            assertThat(p.message()).contains(message);
        });
        assertThat(step.toSpec()).isInstanceOfSatisfying(StepSpec.Unusable.class, u -> assertThat(u.problem()).contains(path + " "));
    }

    @Test
    void aRetrieveStepMayNameUpToTheCapOfScopesAndOtherStepsMayRunOnWorkers() {
        assertThat(problems(step("retrieve", "{'query': 'q', 'scopes': " + orgScopes(StepParser.MAX_RETRIEVE_SCOPES) + "}"))).isEmpty();
        assertThat(problems(onWorkers("http", "{'method': 'GET', 'url': 'https://example.test'}"))).isEmpty();
    }

    @Test
    void templatesStandForAnyValueBeforeRendering() {
        assertThat(problems(step("approval", "{'timeout_ms': '{{ input.t }}', 'on_timeout': '{{ input.o }}'}"))).isEmpty();
        assertThat(problems(step("wait", "{'until': '{{ input.at }}'}"))).isEmpty();
        assertThat(problems(step("runner", "{'runner_id': '{{ input.r }}', 'version': '{{ input.v }}'}"))).isEmpty();
        assertThat(problems(step("http", "{'method': '{{ input.m }}', 'url': '{{ input.u }}'}"))).isEmpty();
        assertThat(problems(step("retrieve", "{'query': '{{ input.q }}', 'scopes': '{{ input.s }}', 'top_k': '{{ input.k }}'}"))).isEmpty();
        assertThat(problems(step("retrieve", "{'query': 'q', 'scopes': [{'scope_type': '{{ input.t }}', 'scope_id': '{{ input.i }}'}]}"))).isEmpty();
    }

    @Test
    void anOldVersionWithANowInvalidStepStillLoadsAndFailsThatStepWhenItStarts() {
        String stored = """
                {"steps": [{"id": "ask", "type": "approval", "needs": [], "if": null, "with": {"on_timeout": "maybe"},
                            "retry": {"max_attempts": 1, "backoff": "exponential", "initial_interval_ms": 1000, "max_interval_ms": 60000},
                            "timeout_ms": null, "runs_on": [], "for_each": null, "max_parallel": null, "disabled": false},
                           {"id": "ok", "type": "transform", "needs": ["ask"], "with": {"value": 1}, "disabled": false}],
                 "output": null, "input_schema": null, "default_model": null}
                """;
        RunnerSpec spec = JSON.readValue(stored, RunnerSpec.Stored.class).typed();
        assertThat(spec.steps().get(0)).isInstanceOfSatisfying(StepSpec.Unusable.class, u -> {
            assertThat(u.type()).isEqualTo("approval");
            assertThat(u.needs()).isEmpty();
            assertThat(u.problem()).isEqualTo("approval: with.on_timeout must be one of [approve, reject] (or a {{ }} template), was 'maybe'");
        });
        assertThat(spec.steps().get(1)).isInstanceOf(StepSpec.Transform.class);
        assertThat(spec.output()).isNull();
        assertThatThrownBy(() -> StepSpec.rendered(spec.steps().get(0), JSON.readTree("{}"))).hasMessageContaining("with.on_timeout");
    }

    @Test
    void aTypedVersionSerializesAsTheJsonItWasReadFrom() {
        StoredStep stored = step("wait", "{'duration_ms': 10}");
        JsonNode written = JSON.valueToTree(new RunnerSpec(List.of(stored.toSpec()), null, null, "m"));
        assertThat(written.path("steps").get(0)).isEqualTo(JSON.valueToTree(stored));
        assertThat(written.path("steps").get(0).path("if").isNull()).isTrue();
        assertThat(written.path("default_model").asString()).isEqualTo("m");
        // the spec hash of every stored version covers these names: a draft equal to its version must still hash equal
        assertThat(written.path("steps").get(0).propertyNames()).containsExactly("id", "type", "needs", "if", "with", "retry", "timeout_ms",
                "runs_on", "for_each", "max_parallel", "disabled");
        assertThat(written.propertyNames()).containsExactly("steps", "output", "input_schema", "default_model");
    }

    @Test
    void overridesThatBreakAStepMakeItUnusableInsteadOfThrowing() {
        StepSpec spec = step("approval", "{'on_timeout': 'approve'}").toSpec();
        StepSpec overridden = spec.withArguments(JSON.readTree("{\"on_timeout\": \"never\"}"));
        assertThat(overridden).isInstanceOfSatisfying(StepSpec.Unusable.class, u -> assertThat(u.problem()).contains("with.on_timeout"));
        assertThat(spec.withArguments(JSON.readTree("{\"on_timeout\": \"reject\"}"))).isInstanceOfSatisfying(StepSpec.Approval.class,
                a -> assertThat(a.onTimeout()).isEqualTo(StepSpec.OnTimeout.REJECT));
    }
}

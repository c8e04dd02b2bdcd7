package dev.griddle.server.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.server.expr.CelExpressions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

class RunnerValidatorTest {

    private static final JsonMapper JSON = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    private final RunnerValidator validator = new RunnerValidator(new CelExpressions(), new InputSchemas());

    private static List<RunnerDraft.Step> steps(String json) {
        return JSON.readValue(json.replace('\'', '"'), new TypeReference<List<RunnerDraft.Step>>() { });
    }

    private List<ValidationError> validate(String stepsJson) {
        return validator.validate(steps(stepsJson), null, null);
    }

    @Test
    void aGoodGraphHasNoErrors() {
        assertThat(validate("""
                [{'id': 'list', 'type': 'http', 'with': {'method': 'GET', 'url': 'https://x.test/{{ input.q }}'}},
                 {'id': 'each', 'type': 'llm', 'needs': ['list'], 'for_each': 'steps.list.output.body', 'max_parallel': 4,
                  'with': {'prompt': 'Summarise {{ item }}'}, 'retry': {'max_attempts': 3, 'backoff': 'fixed', 'initial_interval_ms': 10}},
                 {'id': 'end', 'type': 'transform', 'needs': ['each'], 'if': 'size(steps.list.output.body) > 0',
                  'with': {'value': '{{ steps.each.output }}'}, 'timeout_ms': 1000}]
                """)).isEmpty();
    }

    static Stream<Arguments> badDrafts() {
        return Stream.of(
                Arguments.of("[{'type': 'transform', 'with': {'value': 1}}]", "steps[0].id", "required"),
                Arguments.of("[{'id': 'Bad Id', 'type': 'transform', 'with': {'value': 1}}]", "steps[0].id", "must be 1 to 64"),
                Arguments.of("[{'id': '" + "a".repeat(65) + "', 'type': 'transform', 'with': {'value': 1}}]", "steps[0].id", "must be 1 to 64"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}}, {'id': 'a', 'type': 'transform', 'with': {'value': 2}}]",
                        "steps[1].id", "duplicate step id 'a'"),
                Arguments.of("[{'id': 'a', 'type': 'email'}]", "steps[0].type", "unknown step type 'email'"),
                Arguments.of("[{'id': 'a'}]", "steps[0].type", "required"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'needs': ['ghost'], 'with': {'value': 1}}]", "steps[0].needs[0]", "unknown step 'ghost'"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'needs': ['b'], 'with': {'value': 1}}, {'id': 'b', 'type': 'transform', 'needs': ['a'], 'with': {'value': 1}}]",
                        "steps[0].needs", "cycle in needs: a -> b -> a"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'needs': ['a'], 'with': {'value': 1}}]", "steps[0].needs", "cycle in needs: a -> a"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'if': 'input.x ==', 'with': {'value': 1}}]", "steps[0].if", "does not compile"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'if': 'steps.ghost.output', 'with': {'value': 1}}]", "steps[0].if", "unknown step 'ghost'"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}}, {'id': 'b', 'type': 'transform', 'if': 'steps.a.output == 1', 'with': {'value': 1}}]",
                        "steps[1].if", "step 'a' is not upstream of 'b'"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'for_each': 'steps.b.output', 'with': {'value': 1}}, {'id': 'b', 'type': 'transform', 'with': {'value': 1}}]",
                        "steps[0].for_each", "step 'b' is not upstream of 'a'"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': '{{ item }}'}}]", "steps[0].with.value", "'item' is only available"),
                Arguments.of("[{'id': 'a', 'type': 'http', 'with': {'method': 'GET', 'url': 'https://x/{{ input.q'}}]", "steps[0].with.url", "unbalanced '{{'"),
                Arguments.of("[{'id': 'a', 'type': 'http', 'with': {'method': 'GET', 'url': '{{ nope.q }}'}}]", "steps[0].with.url", "undeclared reference to 'nope'"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}, 'retry': {'max_attempts': 0}}]", "steps[0].retry.max_attempts", "between 1 and 100"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}, 'retry': {'max_attempts': 101}}]", "steps[0].retry.max_attempts", "between 1 and 100"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}, 'retry': {'backoff': 'linear'}}]", "steps[0].retry.backoff", "'exponential' or 'fixed'"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}, 'retry': {'initial_interval_ms': 0}}]", "steps[0].retry.initial_interval_ms", "must be > 0"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}, 'retry': {'max_interval_ms': -5}}]", "steps[0].retry.max_interval_ms", "must be > 0"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}, 'retry': {'initial_interval_ms': 5000, 'max_interval_ms': 1000}}]",
                        "steps[0].retry.initial_interval_ms", "must be <= max_interval_ms"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}, 'timeout_ms': 0}]", "steps[0].timeout_ms", "between 1 and 86400000"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}, 'timeout_ms': 86400001}]", "steps[0].timeout_ms", "between 1 and 86400000"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}, 'max_parallel': 3}]", "steps[0].max_parallel", "only allowed with for_each"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}, 'for_each': 'input.xs', 'max_parallel': 1001}]", "steps[0].max_parallel", "between 1 and 1000"),
                Arguments.of("[{'id': 'a', 'type': 'http', 'with': {'method': 'GET'}}]", "steps[0].with.url", "required for a step of type 'http'"),
                Arguments.of("[{'id': 'a', 'type': 'http', 'with': {'method': 'FETCH', 'url': 'https://x'}}]", "steps[0].with.method", "must be one of"),
                Arguments.of("[{'id': 'a', 'type': 'http', 'with': {'url': 'https://x'}}]", "steps[0].with.method", "required"),
                Arguments.of("[{'id': 'a', 'type': 'wait', 'with': {}}]", "steps[0].with", "duration_ms or until"),
                Arguments.of("[{'id': 'a', 'type': 'runner'}]", "steps[0].with.runner_id", "required"),
                Arguments.of("[{'id': 'a', 'type': 'transform', 'with': {}}]", "steps[0].with.value", "required"),
                Arguments.of("[{'id': 'a', 'type': 'task', 'with': {'input': {}}}]", "steps[0].with.task_type", "required"),
                Arguments.of("[{'id': 'a', 'type': 'llm', 'with': {'system': 'x'}}]", "steps[0].with.prompt", "required"),
                Arguments.of("[{'id': 'a', 'type': 'tool', 'with': {'tool': 7}}]", "steps[0].with.tool", "non-empty string"),
                Arguments.of("[{'id': 'a', 'type': 'approval', 'with': {'message': 7}}]", "steps[0].with.message", "must be a string"),
                Arguments.of("[{'id': 'a', 'type': 'llm', 'with': 'hi'}]", "steps[0].with", "must be an object"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("badDrafts")
    void reportsEachProblemWithItsPath(String stepsJson, String path, String message) {
        assertThat(validate(stepsJson)).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.message()).contains(message);
        });
    }

    @Test
    void outputMayNameAnyStepButMustCompile() {
        var steps = steps("[{'id': 'a', 'type': 'transform', 'with': {'value': 1}}]");
        assertThat(validator.validate(steps, JSON.readTree("{\"r\": \"{{ steps.a.output }}\"}"), null)).isEmpty();
        assertThat(validator.validate(steps, JSON.readTree("{\"r\": [\"{{ steps.b.output }}\"]}"), null))
                .containsExactly(new ValidationError(null, "output.r[0]", "unknown step 'b'"));
    }

    @Test
    void inputSchemaMustBeAValidSchema() {
        JsonNode bad = JSON.readTree("{\"type\": \"objekt\", \"properties\": {\"n\": {\"minimum\": \"five\"}}}");
        List<ValidationError> errors = validator.validate(List.of(), null, bad);
        assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e.path()).startsWith("input_schema"));
        assertThat(validator.validate(List.of(), null, JSON.readTree("[1]"))).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("input_schema"));
        assertThat(validator.validate(List.of(), null, JSON.readTree("{\"type\": \"object\", \"required\": [\"x\"]}"))).isEmpty();
    }
}

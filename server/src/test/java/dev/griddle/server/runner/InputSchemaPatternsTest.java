package dev.griddle.server.runner;

import static dev.griddle.server.runner.RunnersApiTest.transform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.RunnerInput;
import dev.griddle.sdk.ConnectionModels.ToolInput;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JSON Schema {@code pattern} and {@code patternProperties} run on RE2/J: a pattern that backtracks
 * for seconds on the JDK's engine answers at once, and one RE2/J cannot run is refused at save.
 */
class InputSchemaPatternsTest extends ApiTest {

    /** Nested quantifiers: on a backtracking engine, 33 'a's and a 'b' take seconds to fail. */
    private static final String EVIL = "^(.*a){12}$";
    private static final String NEAR_MISS = "a".repeat(33) + "b";

    private static Duration timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void aBacktrackingPatternChecksRunInputAtOnce() {
        GriddleClient c = newOrg();
        Runner runner = c.runners().create(RunnerInput.named("evil").withSteps(List.of(transform("a", "1")))
                .withInputSchema(RunnersApiTest.json("{'type': 'object', 'properties': {'s': {'type': 'string', 'pattern': '" + EVIL + "'}},"
                        + " 'patternProperties': {'" + EVIL + "': {'type': 'integer'}}}")));
        c.runners().publish(runner.id());

        Duration refused = timed(() -> {
            GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> c.runs().start(runner.id(), StartRun.of(RunnersApiTest.json("{'s': '" + NEAR_MISS + "'}"))));
            assertThat(e.details().get("errors").toString()).contains("path=input.s");
        });
        Duration started = timed(() -> c.runs().start(runner.id(), StartRun.of(RunnersApiTest.json("{'" + NEAR_MISS + "': 'not checked', 's': '" + "a".repeat(12) + "'}"))));
        assertThat(refused).isLessThan(Duration.ofSeconds(2));
        assertThat(started).isLessThan(Duration.ofSeconds(2));
        expectError(422, "VALIDATION_FAILED", () -> c.runs().start(runner.id(), StartRun.of(RunnersApiTest.json("{'" + "a".repeat(12) + "': 'not an integer'}"))));
    }

    @Test
    void aPatternRe2CannotRunIsRefusedAtSaveNamingIt() {
        GriddleClient c = newOrg();
        Runner runner = c.runners().create(RunnerInput.named("lookahead").withSteps(List.of(transform("a", "1")))
                .withInputSchema(RunnersApiTest.json("{'type': 'object', 'properties': {'s': {'type': 'string', 'pattern': '^(?=x)'},"
                        + " 'default': {'type': 'string', 'pattern': '(?<=y)z'}},"
                        + " '$defs': {'d': {'patternProperties': {'(a)\\\\1': true}}}, 'default': {'pattern': '(?!not a schema)'}}")));
        GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> c.runners().publish(runner.id()));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) e.details().get("errors");
        assertThat(errors).extracting(m -> m.get("path")).containsExactlyInAnyOrder("input_schema.properties.s.pattern",
                "input_schema.properties.default.pattern", "input_schema.$defs.d.patternProperties");
        assertThat(errors).allSatisfy(m -> assertThat(m.get("message").toString()).contains("RE2/J"));

        GriddleApiException tool = expectError(422, "VALIDATION_FAILED", () -> c.tools().create(new ToolInput("lookahead", "x",
                RunnersApiTest.json("{'type': 'object', 'properties': {'q': {'type': 'string', 'pattern': '(?<=a)b'}}}"),
                RunnersApiTest.json("{'method': 'GET', 'url': 'https://example.com/'}"))));
        assertThat(tool.details()).extractingByKey("field_errors").asString().contains("parameters").contains("properties.q.pattern");
    }
}

package dev.griddle.server.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import dev.griddle.server.run.RunnerFixtures;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Step arguments that used to be checked only when the step ran (and so failed a run) are
 * refused at publish, over the API, with the argument's path; a version stored before the check
 * still loads, and only its offending step fails when it starts.
 */
class StepArgumentsPublishTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    static Stream<Arguments> argumentsCheckedAtPublish() {
        return Stream.of(
                Arguments.of("{id: ask, type: approval, with: {message: ok?, timeout_ms: 1000, on_timeout: maybe}}", "steps[0].with.on_timeout",
                        "must be one of [approve, reject]"),
                Arguments.of("{id: ask, type: approval, with: {timeout_ms: soon}}", "steps[0].with.timeout_ms", "must be an integer"),
                Arguments.of("{id: nap, type: wait, with: {until: tomorrow}}", "steps[0].with.until", "RFC 3339"),
                Arguments.of("{id: nap, type: wait, with: {duration_ms: 5s}}", "steps[0].with.duration_ms", "must be an integer"),
                Arguments.of("{id: nap, type: wait, with: {duration_ms: 5, until: '2030-01-31T09:00:00Z'}}", "steps[0].with", "not both"),
                Arguments.of("{id: sub, type: runner, with: {runner_id: my-child}}", "steps[0].with.runner_id", "must be an id (a UUID)"),
                Arguments.of("{id: sub, type: runner, for_each: '[1, 2]', with: {runner_id: '{{ input.r }}'}}", "steps[0].for_each",
                        "not supported on runner steps"),
                Arguments.of("{id: find, type: retrieve, with: {top_k: 3}}", "steps[0].with.query", "required for a step of type 'retrieve'"),
                Arguments.of("{id: find, type: retrieve, with: {query: q, top_k: 0}}", "steps[0].with.top_k", "must be >= 1"),
                Arguments.of("{id: fix, type: session, with: {template: agent, prompt: go, timeout_ms: 0}}", "steps[0].with.timeout_ms", "must be >= 1"),
                Arguments.of("{id: fix, type: session, with: {template: agent, prompt: go, wait_for: done}}", "steps[0].with.wait_for",
                        "must be one of [exit, idle]"),
                Arguments.of("{id: find, type: retrieve, with: {query: q, scopes: {scope_type: org}}}", "steps[0].with.scopes",
                        "must be a list of {scope_type, scope_id}"),
                Arguments.of("{id: find, type: retrieve, with: {query: q, scopes: [{scope_type: shelf}]}}", "steps[0].with.scopes[0].scope_type",
                        "must be one of [agent, org, project, runner]"),
                Arguments.of("{id: find, type: retrieve, with: {query: q, scopes: [{scope_type: project}]}}", "steps[0].with.scopes[0].scope_id",
                        "required for scope_type project"),
                Arguments.of("{id: find, type: retrieve, with: {query: q, scopes: [{scope_type: agent, scope_id: bond}]}}",
                        "steps[0].with.scopes[0].scope_id", "must be an id (a UUID)"),
                Arguments.of("{id: find, type: retrieve, with: {query: q, scopes: [{scope_type: org, scope_id: '" + UUID.randomUUID() + "'}]}}",
                        "steps[0].with.scopes[0].scope_id", "must be left out for scope_type org"),
                Arguments.of("{id: find, type: retrieve, runs_on: [gpu], with: {query: q}}", "steps[0].runs_on",
                        "is not supported on retrieve steps: they search the server's knowledge index"),
                Arguments.of("{id: find, type: retrieve, with: {query: q, scopes: [" + "{scope_type: org}, ".repeat(20) + "{scope_type: org}]}}",
                        "steps[0].with.scopes", "must name at most 20 scopes, named 21"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("argumentsCheckedAtPublish")
    void refusedAtPublishNotAtRunTime(String step, String path, String message) {
        GriddleClient c = newOrg();
        Runner runner = RunnerFixtures.runner(c, "steps:\n  - " + step + "\n");
        assertThat(runner.valid()).isFalse();
        assertThat(c.runners().validate(runner.id()).errors()).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.message()).contains(message);
        });

        GriddleApiException publish = expectError(422, "VALIDATION_FAILED", () -> c.runners().publish(runner.id()));
        assertThat(publish.getMessage()).contains(path);
        assertThat(publish.details().get("errors").toString()).contains(path);
        // a run would publish the draft first: it is refused the same way, and no run is made
        expectError(422, "VALIDATION_FAILED", () -> c.runs().start(runner.id(), StartRun.of(null)));
        assertThat(c.runs().listForRunner(runner.id(), PageRequest.first()).data()).isEmpty();
        assertThat(c.runners().versions(runner.id(), PageRequest.first()).data()).isEmpty();
    }

    @Test
    void templatedArgumentsAreCheckedWhenTheStepStarts() {
        GriddleClient c = newOrg();
        Runner runner = RunnerFixtures.runner(c, "steps:\n  - {id: ask, type: approval, with: {timeout_ms: 200, on_timeout: '{{ input.decide }}'}}\n");
        assertThat(runner.valid()).isTrue();

        Run approved = RunnerFixtures.runToEnd(c, runner.id(), "{\"decide\": \"approve\"}");
        assertThat(approved.status()).isEqualTo("succeeded");
        assertThat(step(c, approved, "ask").output().path("timed_out").asBoolean()).isTrue();

        Run refused = RunnerFixtures.runToEnd(c, runner.id(), "{\"decide\": \"maybe\"}");
        assertThat(refused.status()).isEqualTo("failed");
        assertThat(step(c, refused, "ask").error().path("message").asString())
                .isEqualTo("approval: with.on_timeout must be one of [approve, reject], was 'maybe'");
    }

    @Test
    void aVersionStoredBeforeTheCheckLoadsAndFailsOnlyWhenItsStepStarts() {
        GriddleClient c = newOrg();
        Runner runner = RunnerFixtures.runner(c, """
                steps:
                  - {id: first, type: transform, with: {value: 1}}
                  - {id: ask, type: approval, needs: [first], with: {message: ok?, timeout_ms: 200, on_timeout: approve}}
                """);
        assertThat(c.runners().publish(runner.id()).version()).isEqualTo(1);
        // as an older server would have stored it: the publish-time check did not exist then
        int changed = jdbc.sql("""
                update runner_versions set spec = jsonb_set(spec, '{steps,1,with,on_timeout}', '"maybe"')
                where runner_id = :runner and version = 1
                """).param("runner", runner.id()).update();
        assertThat(changed).isEqualTo(1);

        assertThat(c.runners().version(runner.id(), 1).steps().get(1).with().path("on_timeout").asString()).isEqualTo("maybe");
        Run run = c.runs().await(c.runs().start(runner.id(), new StartRun(null, 1, null)).id(), Duration.ofSeconds(30));
        assertThat(run.status()).isEqualTo("failed");
        assertThat(step(c, run, "first").status()).isEqualTo("succeeded");
        StepRun ask = step(c, run, "ask");
        assertThat(ask.status()).isEqualTo("failed");
        assertThat(ask.error().path("message").asString()).contains("with.on_timeout").contains("'maybe'");
        assertThat(run.error().path("step_id").asString()).isEqualTo("ask");
    }

    private static StepRun step(GriddleClient c, Run run, String id) {
        List<StepRun> steps = c.runs().steps(run.id());
        return steps.stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no step " + id + " in " + steps));
    }
}

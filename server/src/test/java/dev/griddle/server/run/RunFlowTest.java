package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.parse;
import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Event;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Graph semantics over real HTTP: fan-out, fail-fast, retries, conditions, waits, timeouts, limits. */
class RunFlowTest extends ApiTest {

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

    private Map<String, StepRun> steps(Run run) {
        return c.runs().steps(run.id()).stream().collect(Collectors.toMap(StepRun::stepId, Function.identity()));
    }

    private List<Event> events(Run run) {
        return c.runs().events(run.id(), null, 1000).data();
    }

    @Test
    void forEachCollectsResultsInOrder() {
        var r = runner(c, """
                steps:
                  - id: fetch
                    type: http
                    for_each: input.names
                    max_parallel: 2
                    with: {method: POST, url: "%s", body: {name: "{{ item }}"}}
                  - {id: names, type: transform, needs: [fetch], with: {value: "{{ steps.fetch.output.map(o, o.body.body.name) }}"}}
                """.formatted(echo.url("/echo")));
        Run run = runToEnd(c, r.id(), "{\"names\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}");
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(run.output().path("names")).isEqualTo(parse("[\"a\", \"b\", \"c\", \"d\", \"e\"]"));
        assertThat(steps(run).get("fetch").items()).isEqualTo(5);
        assertThat(echo.count("/echo")).isEqualTo(5);
    }

    @Test
    void aFailedStepCancelsRunningSiblingsAndBlocksItsDownstream() {
        var r = runner(c, """
                steps:
                  - {id: bad, type: http, with: {method: GET, url: "%s"}}
                  - {id: slow, type: http, with: {method: GET, url: "%s"}}
                  - {id: after, type: transform, needs: [bad], with: {value: 1}}
                  - {id: later, type: transform, needs: [slow], with: {value: 2}}
                """.formatted(echo.url("/status/500"), echo.url("/slow/5000")));
        Run run = runToEnd(c, r.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("step_id").asString()).isEqualTo("bad");
        assertThat(run.error().path("message").asString()).contains("500");
        Map<String, StepRun> steps = steps(run);
        assertThat(steps.get("bad").status()).isEqualTo("failed");
        assertThat(steps.get("slow").status()).isEqualTo("cancelled");
        assertThat(steps.get("after").status()).isEqualTo("skipped");
        assertThat(steps.get("after").skipReason()).isEqualTo("blocked");
        assertThat(steps.get("later").status()).isEqualTo("cancelled");
        List<Event> events = events(run);
        Event cancelled = events.stream().filter(e -> e.type().equals("step_cancelled") && "slow".equals(e.stepId())).findFirst().orElseThrow();
        assertThat(cancelled.data().path("reason").asString()).isEqualTo("run_failed");
        assertThat(cancelled.data().path("caused_by_step_id").asString()).isEqualTo("bad");
        Event skipped = events.stream().filter(e -> e.type().equals("step_completed") && "after".equals(e.stepId())).findFirst().orElseThrow();
        assertThat(skipped.data().path("skipped").asBoolean()).isTrue();
        assertThat(skipped.data().path("reason").asString()).isEqualTo("blocked");
    }

    @Test
    void retriesWithBackoffUntilTheStepSucceeds() {
        var r = runner(c, """
                steps:
                  - id: flaky
                    type: http
                    with: {method: GET, url: "%s"}
                    retry: {max_attempts: 3, backoff: exponential, initial_interval_ms: 20, max_interval_ms: 100}
                """.formatted(echo.url("/flaky/2/a")));
        Run run = runToEnd(c, r.id(), null);
        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(steps(run).get("flaky").attempt()).isEqualTo(3);
        assertThat(events(run).stream().filter(e -> e.type().equals("step_retrying")).count()).isEqualTo(2);
        assertThat(echo.count("/flaky/2/a")).isEqualTo(3);
    }

    @Test
    void retriesStopAtMaxAttemptsAndNonRetryableFailuresAreNotRetried() {
        var r = runner(c, """
                steps:
                  - id: flaky
                    type: http
                    with: {method: GET, url: "%s"}
                    retry: {max_attempts: 2, initial_interval_ms: 500}
                  - id: notfound
                    type: http
                    with: {method: GET, url: "%s"}
                    retry: {max_attempts: 5, initial_interval_ms: 10}
                """.formatted(echo.url("/flaky/5/b"), echo.url("/status/404")));
        // flaky's retry waits 500 ms, so the run cannot fail on it before notfound (started beside it) was called
        Run run = runToEnd(c, r.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(echo.count("/status/404")).isEqualTo(1);
        assertThat(echo.count("/flaky/5/b")).isLessThanOrEqualTo(2);
    }

    @Test
    void conditionsAndDisabledStepsSkipWithoutBlockingDependents() {
        var r = runner(c, """
                steps:
                  - {id: maybe, type: transform, if: "input.go == true", with: {value: 1}}
                  - {id: off, type: transform, disabled: true, with: {value: 2}}
                  - {id: last, type: transform, needs: [maybe, off], with: {value: "ran"}}
                """);
        Run run = runToEnd(c, r.id(), "{\"go\": false}");
        assertThat(run.status()).isEqualTo("succeeded");
        Map<String, StepRun> steps = steps(run);
        assertThat(steps.get("maybe").skipReason()).isEqualTo("condition_false");
        assertThat(steps.get("off").skipReason()).isEqualTo("step_disabled");
        assertThat(steps.get("last").output().asString()).isEqualTo("ran");
        Run go = runToEnd(c, r.id(), "{\"go\": true}");
        assertThat(steps(go).get("maybe").status()).isEqualTo("succeeded");
    }

    @Test
    void waitStepsWaitDurably() {
        var r = runner(c, "steps:\n  - {id: pause, type: wait, with: {duration_ms: 400}}\n");
        Run run = runToEnd(c, r.id(), null);
        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(Duration.between(run.createdAt(), run.finishedAt()).toMillis()).isGreaterThanOrEqualTo(400);
    }

    @Test
    void timeoutsFailTheStep() {
        var r = runner(c, """
                steps:
                  - {id: slow, type: http, timeout_ms: 200, with: {method: GET, url: "%s"}}
                """.formatted(echo.url("/slow/3000")));
        Run run = runToEnd(c, r.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString()).contains("timed out");
    }

    @Test
    void oversizedStepOutputFailsTheStep() {
        var r = runner(c, "steps:\n  - {id: big, type: http, with: {method: GET, url: \"%s\"}}\n".formatted(echo.url("/big/1200000")));
        Run run = runToEnd(c, r.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString()).contains("over the limit");
    }

    @Test
    void stepOverridesReplaceArgumentsForOneRun() {
        var r = runner(c, "steps:\n  - {id: call, type: http, with: {method: GET, url: \"%s\"}}\n".formatted(echo.url("/status/500")));
        Run started = c.runs().start(r.id(), new StartRun(null, null, parse("{\"call\": {\"with\": {\"url\": \"" + echo.url("/echo") + "\"}}}")));
        Run run = c.runs().await(started.id(), Duration.ofSeconds(20));
        assertThat(run.status()).isEqualTo("succeeded");
        expectError(422, "VALIDATION_FAILED", () -> c.runs().start(r.id(), new StartRun(null, null, parse("{\"nope\": {\"with\": {}}}"))));
    }
}

package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.parse;
import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Approval;
import dev.griddle.sdk.RunModels.CompleteApproval;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Approvals, pause/resume, cancel, retry and child runs, with the 409s their states call for. */
class RunCommandsTest extends ApiTest {

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

    private Run awaitStatus(Run run, String status) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> c.runs().get(run.id()).status().equals(status));
        return c.runs().get(run.id());
    }

    @Test
    void approvalsWaitForAHumanAndMergeTheirResult() {
        var r = runner(c, """
                steps:
                  - {id: review, type: approval, with: {message: "Ship {{ input.what }}?"}}
                  - {id: ship, type: transform, needs: [review], if: "steps.review.output.approved", with: {value: "{{ steps.review.output.channel }}"}}
                """);
        Run run = c.runs().start(r.id(), StartRun.of(parse("{\"what\": \"v2\"}")));
        awaitStatus(run, "waiting");
        Approval pending = c.approvals().inbox("pending", PageRequest.first()).data().stream()
                .filter(a -> a.runId().equals(run.id())).findFirst().orElseThrow();
        assertThat(pending.message()).isEqualTo("Ship v2?");
        assertThat(pending.stepId()).isEqualTo("review");
        assertThat(c.approvals().forRun(run.id(), PageRequest.first()).data()).hasSize(1);

        Approval done = c.approvals().complete(pending.id(), new CompleteApproval(true, "go", parse("{\"channel\": \"#releases\"}")));
        assertThat(done.status()).isEqualTo("completed");
        assertThat(done.approved()).isTrue();
        expectError(409, "CONFLICT", () -> c.approvals().complete(pending.id(), new CompleteApproval(false, null, null)));

        Run finished = c.runs().await(run.id(), Duration.ofSeconds(20));
        assertThat(finished.status()).isEqualTo("succeeded");
        StepRun review = steps(finished).get("review");
        assertThat(review.output().path("approved").asBoolean()).isTrue();
        assertThat(review.output().path("comment").asString()).isEqualTo("go");
        assertThat(steps(finished).get("ship").output().asString()).isEqualTo("#releases");
        assertThat(c.approvals().inbox("pending", PageRequest.first()).data()).noneMatch(a -> a.runId().equals(run.id()));
        expectError(404, "NOT_FOUND", () -> newOrg().approvals().get(pending.id()));
        expectError(422, "VALIDATION_FAILED", () -> c.approvals().inbox("weird", PageRequest.first()));
    }

    @Test
    void approvalsTimeOutWithTheirOnTimeoutDecision() {
        var r = runner(c, "steps:\n  - {id: ok, type: approval, with: {message: hi, timeout_ms: 300, on_timeout: approve}}\n");
        Run run = runToEnd(c, r.id(), null);
        assertThat(run.status()).isEqualTo("succeeded");
        StepRun ok = steps(run).get("ok");
        assertThat(ok.output().path("approved").asBoolean()).isTrue();
        assertThat(ok.output().path("timed_out").asBoolean()).isTrue();
        assertThat(c.approvals().forRun(run.id(), PageRequest.first()).data().getFirst().status()).isEqualTo("expired");
    }

    @Test
    void pauseHoldsNewWorkAndResumeCarriesOn() {
        var r = runner(c, """
                steps:
                  - {id: first, type: wait, with: {duration_ms: 300}}
                  - {id: second, type: transform, needs: [first], with: {value: done}}
                """);
        Run run = c.runs().start(r.id(), StartRun.of(null));
        Run paused = c.runs().pause(run.id());
        assertThat(paused.status()).isEqualTo("paused");
        expectError(409, "CONFLICT", () -> c.runs().pause(run.id()));
        try {
            Thread.sleep(700);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(c.runs().get(run.id()).status()).isEqualTo("paused");
        assertThat(steps(run).get("second").status()).isEqualTo("pending");
        c.runs().resume(run.id());
        Run finished = c.runs().await(run.id(), Duration.ofSeconds(20));
        assertThat(finished.status()).isEqualTo("succeeded");
        expectError(409, "CONFLICT", () -> c.runs().resume(run.id()));
        expectError(409, "CONFLICT", () -> c.runs().pause(run.id()));
        expectError(409, "CONFLICT", () -> c.runs().cancel(run.id(), "immediate"));
    }

    @Test
    void immediateCancelStopsEverything() {
        var r = runner(c, """
                steps:
                  - {id: slow, type: http, with: {method: GET, url: "%s"}}
                  - {id: next, type: transform, needs: [slow], with: {value: 1}}
                """.formatted(echo.url("/slow/5000")));
        Run run = c.runs().start(r.id(), StartRun.of(null));
        await().atMost(Duration.ofSeconds(10)).until(() -> steps(run).get("slow").status().equals("running"));
        Run cancelled = c.runs().cancel(run.id(), "immediate");
        assertThat(cancelled.status()).isEqualTo("cancelled");
        assertThat(steps(run).get("slow").status()).isEqualTo("cancelled");
        assertThat(steps(run).get("next").status()).isEqualTo("cancelled");
        expectError(422, "VALIDATION_FAILED", () -> c.runs().cancel(run.id(), "sometime"));
    }

    @Test
    void gracefulCancelLetsRunningStepsFinishAndStartsNothingNew() {
        var r = runner(c, """
                steps:
                  - {id: slow, type: http, with: {method: GET, url: "%s"}}
                  - {id: next, type: transform, needs: [slow], with: {value: 1}}
                """.formatted(echo.url("/slow/800")));
        Run run = c.runs().start(r.id(), StartRun.of(null));
        await().atMost(Duration.ofSeconds(10)).until(() -> steps(run).get("slow").status().equals("running"));
        assertThat(c.runs().cancel(run.id(), "graceful").status()).isIn("running", "queued");
        Run finished = c.runs().await(run.id(), Duration.ofSeconds(20));
        assertThat(finished.status()).isEqualTo("cancelled");
        assertThat(steps(run).get("slow").status()).isEqualTo("succeeded");
        assertThat(steps(run).get("next").status()).isIn("pending", "cancelled");
    }

    @Test
    void retryGoesOnFromWhereTheRunStopped() {
        var r = runner(c, """
                steps:
                  - {id: once, type: http, with: {method: GET, url: "%s"}}
                  - {id: flaky, type: http, needs: [once], with: {method: GET, url: "%s"}}
                """.formatted(echo.url("/echo?x=1"), echo.url("/flaky/1/retry")));
        Run failed = runToEnd(c, r.id(), null);
        assertThat(failed.status()).isEqualTo("failed");
        expectError(409, "CONFLICT", () -> c.runs().resume(failed.id()));
        Run retried = c.runs().retry(failed.id());
        assertThat(retried.status()).isIn("running", "queued", "succeeded");
        Run finished = c.runs().await(failed.id(), Duration.ofSeconds(20));
        assertThat(finished.status()).isEqualTo("succeeded");
        assertThat(finished.error() == null || finished.error().isNull()).isTrue();
        assertThat(echo.count("/echo")).isEqualTo(1);
        assertThat(steps(finished).get("flaky").attempt()).isEqualTo(2);
        expectError(409, "CONFLICT", () -> c.runs().retry(failed.id()));
    }

    @Test
    void runnerStepsWaitForAChildRunAndCancellingTheParentCancelsTheChild() {
        var child = runner(c, """
                input_schema: {type: object, required: [n]}
                steps:
                  - {id: double, type: transform, with: {value: "{{ input.n * 2 }}"}}
                output: {result: "{{ steps.double.output }}"}
                """);
        var parent = runner(c, """
                steps:
                  - {id: sub, type: runner, with: {runner_id: "%s", input: {n: "{{ input.n }}"}}}
                output: "{{ steps.sub.output.result }}"
                """.formatted(child.id()));
        Run run = runToEnd(c, parent.id(), "{\"n\": 5}");
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(run.output().asInt()).isEqualTo(10);
        var children = c.runs().list("runner_id=" + child.id(), PageRequest.first()).data();
        assertThat(children).hasSize(1);
        assertThat(children.getFirst().parentRunId()).isEqualTo(run.id());
        assertThat(children.getFirst().trigger().type()).isEqualTo("runner");

        var slowChild = runner(c, "steps:\n  - {id: nap, type: wait, with: {duration_ms: 60000}}\n");
        var slowParent = runner(c, "steps:\n  - {id: sub, type: runner, with: {runner_id: \"%s\"}}\n".formatted(slowChild.id()));
        Run waiting = c.runs().start(slowParent.id(), StartRun.of(null));
        awaitStatus(waiting, "waiting");
        c.runs().cancel(waiting.id(), "immediate");
        await().atMost(Duration.ofSeconds(15)).until(() ->
                c.runs().list("runner_id=" + slowChild.id(), PageRequest.first()).data().getFirst().status().equals("cancelled"));

        Run badChild = runToEnd(c, parent.id(), "{}");
        assertThat(badChild.status()).isEqualTo("failed");
        assertThat(badChild.error().path("message").asString()).contains("input");
    }
}

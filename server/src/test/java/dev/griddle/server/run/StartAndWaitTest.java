package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.parse;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The SDK's {@code runs().startAndWait(...)}: the finished run, or the last state seen when the timeout passes. */
class StartAndWaitTest extends ApiTest {

    @Test
    void returnsTheFinishedRunWithItsOutput() {
        GriddleClient c = newOrg();
        var r = runner(c, """
                steps:
                  - {id: a, type: transform, with: {value: "{{ input.n * 2 }}"}}
                output: {doubled: "{{ steps.a.output }}"}
                """);
        Run run = c.runs().startAndWait(r.id(), StartRun.of(parse("{\"n\": 4}")), Duration.ofSeconds(30));
        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.finished()).isTrue();
        assertThat(run.output()).isEqualTo(parse("{\"doubled\": 8}"));
    }

    @Test
    void aRunWaitingForAnApprovalIsReturnedWaitingOnceTheTimeoutPasses() {
        GriddleClient c = newOrg();
        var r = runner(c, """
                steps:
                  - {id: ok, type: approval, with: {message: "go?", timeout_ms: 3600000}}
                """);
        Instant before = Instant.now();
        Run run = c.runs().startAndWait(r.id(), StartRun.of(null), Duration.ofMillis(700));
        Duration waited = Duration.between(before, Instant.now());
        assertThat(run.status()).isEqualTo("waiting");
        assertThat(run.finished()).isFalse();
        assertThat(waited).isBetween(Duration.ofMillis(700), Duration.ofSeconds(10));
        assertThat(c.runs().get(run.id()).status()).as("the run goes on after the wait").isEqualTo("waiting");
    }

    @Test
    void anIdempotencyKeyMakesARetriedCallWaitForTheFirstRun() {
        GriddleClient c = newOrg();
        var r = runner(c, """
                steps:
                  - {id: a, type: transform, with: {value: 1}}
                """);
        String key = "start-" + UUID.randomUUID();
        Run first = c.runs().startAndWait(r.id(), StartRun.of(null), key, Duration.ofSeconds(30));
        Run again = c.runs().startAndWait(r.id(), StartRun.of(null), key, Duration.ofSeconds(30));
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.status()).isEqualTo("succeeded");
        assertThat(c.runs().listForRunner(r.id(), PageRequest.first()).meta().total()).isEqualTo(1);
    }
}

package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.RunnerInput;
import dev.griddle.sdk.RunnerModels.Step;
import dev.griddle.sdk.TriggerModels.Fire;
import dev.griddle.sdk.TriggerModels.TriggerInput;
import dev.griddle.server.ApiTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Recursion bounds (issue 20): runner cycles refused at publish, child-run depth capped at run
 * time, a recursive runner's cron trigger harmless to everyone else's, and engine-internal tasks
 * handed back after lost leases only a bounded number of times.
 */
class RunRecursionTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    private static Step runnerStep(String id, String runnerId) {
        return Step.of(id, "runner", RunnerFixtures.parse("{\"runner_id\": \"" + runnerId + "\"}"));
    }

    private static RunnerInput steps(Step... steps) {
        return new RunnerInput(null, null, null, null, null, List.of(steps), null);
    }

    @Test
    void aRunnerThatRunsItselfIsRefusedAtPublishDirectlyOrThroughAnother() {
        GriddleClient c = newOrg();
        UUID self = runner(c, "steps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
        c.runners().update(self, steps(runnerStep("again", self.toString())));
        GriddleApiException direct = expectError(422, "VALIDATION_FAILED", () -> c.runners().publish(self));
        assertThat(direct.getMessage()).contains("runner cycle: " + self + " -> " + self);
        assertThat(c.runners().validate(self).valid()).isFalse();
        // a run publishes the draft first: refused the same way, and nothing is started
        expectError(422, "VALIDATION_FAILED", () -> c.runs().start(self, StartRun.of(null)));
        assertThat(c.runs().listForRunner(self, PageRequest.first()).data()).isEmpty();

        UUID a = runner(c, "steps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
        UUID b = runner(c, "steps:\n  - {id: call-a, type: runner, with: {runner_id: \"" + a + "\"}}\n").id();
        c.runners().publish(b);
        c.runners().update(a, steps(runnerStep("call-b", b.toString())));
        GriddleApiException indirect = expectError(422, "VALIDATION_FAILED", () -> c.runners().publish(a));
        assertThat(indirect.getMessage()).contains("runner cycle: " + a + " -> " + b + " -> " + a);
    }

    @Test
    void aTemplatedSelfReferenceFailsAtTheDepthCapWithABoundedNumberOfRuns() {
        GriddleClient c = newOrg();
        UUID self = runner(c, """
                steps:
                  - {id: again, type: runner, with: {runner_id: "{{ run.runner_id }}"}}
                """).id();
        Run top = c.runs().start(self, StartRun.of(null));
        Run done = c.runs().await(top.id(), Duration.ofSeconds(60));
        assertThat(done.status()).isEqualTo("failed");
        assertThat(done.error().path("message").asString()).contains("depth 9, over the limit of 8 (griddle.engine.max-child-depth)");
        // depths 0..8: nine runs, all ended
        List<Run> all = c.runs().listForRunner(self, new PageRequest(1, 100)).data();
        assertThat(all).hasSize(9).allSatisfy(r -> assertThat(r.status()).isEqualTo("failed"));
    }

    @Test
    void aRecursiveRunnersCronTriggerDoesNotStopAnotherOrganizationsCron() {
        GriddleClient bad = newOrg();
        UUID self = runner(bad, "steps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
        bad.runners().update(self, steps(runnerStep("again", self.toString())));
        UUID badTrigger = bad.triggers().create(self, TriggerInput.cron("* * * * *", "UTC", "allow")).id();

        GriddleClient good = newOrg();
        UUID fine = runner(good, "steps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
        UUID goodTrigger = good.triggers().create(fine, TriggerInput.cron("0 0 1 1 *", "UTC", "allow")).id();

        makeDue(badTrigger, Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES));
        Fire skipped = awaitFires(bad, badTrigger, 1).getFirst();
        assertThat(skipped.skipped()).isTrue();
        assertThat(skipped.reason()).contains("runner cycle");

        for (int round = 1; round <= 2; round++) {
            makeDue(badTrigger, Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES));
            makeDue(goodTrigger, Instant.now().minus(round, ChronoUnit.HOURS));
            List<Fire> fires = awaitFires(good, goodTrigger, round);
            Run run = good.runs().await(fires.getFirst().runId(), Duration.ofSeconds(30));
            assertThat(run.status()).isEqualTo("succeeded");
        }
    }

    @Test
    void anInternalTaskThatKeepsLosingItsLeaseFailsItsStepAtTheAttemptCap() {
        GriddleClient c = newOrg();
        UUID r = runner(c, "steps:\n  - {id: timer, type: wait, with: {duration_ms: 3600000}}\n").id();
        Run run = c.runs().start(r, StartRun.of(null));
        await().atMost(Duration.ofSeconds(10)).until(() -> taskCount(run.id()) == 1);

        // a node that took the timer task and died, three times already: handed back once more
        loseLease(run.id(), 3);
        await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.sql("select expiries from tasks where run_id = :run and lease_owner is null")
                .param("run", run.id()).query(Integer.class).optional().orElse(0) == 4);
        assertThat(c.runs().get(run.id()).finished()).isFalse();

        // the fifth lost lease is the last (griddle.engine.internal-task-attempts = 5)
        loseLease(run.id(), null);
        Run done = c.runs().await(run.id(), Duration.ofSeconds(20));
        assertThat(done.status()).isEqualTo("failed");
        assertThat(done.error().path("message").asString()).contains("lost its lease 5 times").contains("griddle.engine.internal-task-attempts");
        assertThat(taskCount(run.id())).isZero();
    }

    private void loseLease(UUID runId, Integer expiries) {
        jdbc.sql("""
                update tasks set lease_owner = 'node-gone', lease_token = nextval('lease_tokens'), lease_expires_at = now() - interval '1 second',
                       claimed_at = now(), expiries = coalesce(cast(:expiries as int), expiries)
                where run_id = :run
                """).param("expiries", expiries).param("run", runId).update();
    }

    private long taskCount(UUID runId) {
        return jdbc.sql("select count(*) from tasks where run_id = :run").param("run", runId).query(Long.class).single();
    }

    private void makeDue(UUID triggerId, Instant at) {
        jdbc.sql("update triggers set next_fire_at = :at where id = :id").param("at", Timestamp.from(at)).param("id", triggerId).update();
    }

    private static List<Fire> awaitFires(GriddleClient c, UUID triggerId, int count) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> c.triggers().fires(triggerId, PageRequest.first()).data(), f -> f.size() >= count);
    }
}

package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.TriggerModels.Fire;
import dev.griddle.sdk.TriggerModels.Trigger;
import dev.griddle.sdk.TriggerModels.TriggerInput;
import dev.griddle.server.ApiTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Live runs per organization (issue 20): past the soft limit (2 here) runs are accepted and stay
 * {@code queued} until capacity frees, then start by themselves; past the hard limit (4) the API
 * and webhooks answer 429 and a cron fire is recorded as skipped. Other organizations are unaffected.
 */
@TestPropertySource(properties = {"griddle.engine.step-timeout=2s", "griddle.engine.version-cache=1MB",
        "griddle.engine.max-live-runs-per-org=2", "griddle.engine.max-live-runs-per-org-hard=4"})
class LiveRunLimitsTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void runsBeyondTheSoftLimitWaitQueuedAndStartWhenCapacityFreesBeyondTheHardOneTheyAreRefused() {
        GriddleClient c = newOrg();
        UUID r = runner(c, "steps:\n  - {id: nap, type: wait, with: {duration_ms: 600000}}\n").id();
        Run one = c.runs().start(r, StartRun.of(null));
        Run two = c.runs().start(r, StartRun.of(null));
        Run three = c.runs().start(r, StartRun.of(null));
        Run four = c.runs().start(r, StartRun.of(null));
        assertThat(List.of(one.status(), two.status())).containsOnly("waiting");
        assertThat(List.of(three.status(), four.status())).containsOnly("queued");

        RawResponse refused = c.raw("POST", "/api/v1/runners/" + r + "/runs", "{}", Map.of("Content-Type", "application/json"));
        JsonNode body = assertEnvelope(refused, 429, "TOO_MANY_LIVE_RUNS");
        assertThat(refused.header("Retry-After")).hasValue("10");
        assertThat(body.path("error").path("details").path("limit").asInt()).isEqualTo(4);

        Trigger hook = c.triggers().create(r, TriggerInput.webhook());
        assertEnvelope(c.triggers().deliverRaw(hook.id(), hook.signingSecret(), "{}", "application/json", null), 429, "TOO_MANY_LIVE_RUNS");

        UUID cron = c.triggers().create(r, TriggerInput.cron("* * * * *", "UTC", "allow")).id();
        jdbc.sql("update triggers set next_fire_at = :at where id = :id")
                .param("at", Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES))).param("id", cron).update();
        Fire fire = await().atMost(Duration.ofSeconds(15)).until(() -> c.triggers().fires(cron, PageRequest.first()).data(), f -> !f.isEmpty())
                .getFirst();
        assertThat(fire.skipped()).isTrue();
        assertThat(fire.reason()).startsWith("live_run_limit:").contains("max-live-runs-per-org-hard");

        // another organization is not held back by this one's runs
        GriddleClient other = newOrg();
        UUID quick = runner(other, "steps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
        assertThat(other.runs().await(other.runs().start(quick, StartRun.of(null)).id(), Duration.ofSeconds(10)).status()).isEqualTo("succeeded");

        // still held: nothing of the deferred runs has started
        assertThat(c.runs().get(three.id()).status()).isEqualTo("queued");
        assertThat(tasks(three.id())).isZero();

        c.runs().cancel(one.id(), "immediate");
        await().atMost(Duration.ofSeconds(10)).until(() -> c.runs().get(three.id()).status(), "waiting"::equals);
        assertThat(c.runs().get(four.id()).status()).isEqualTo("queued");
        c.runs().cancel(two.id(), "immediate");
        await().atMost(Duration.ofSeconds(10)).until(() -> c.runs().get(four.id()).status(), "waiting"::equals);

        // a cancelled deferred run never starts
        Run five = c.runs().start(r, StartRun.of(null));
        assertThat(five.status()).isEqualTo("queued");
        assertThat(c.runs().cancel(five.id(), "immediate").status()).isEqualTo("cancelled");
        for (Run run : List.of(three, four)) {
            c.runs().cancel(run.id(), "immediate");
        }
    }

    private long tasks(UUID runId) {
        return jdbc.sql("select count(*) from tasks where run_id = :run").param("run", runId).query(Long.class).single();
    }
}

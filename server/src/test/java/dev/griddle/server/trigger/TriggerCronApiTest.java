package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.TriggerModels.Cron;
import dev.griddle.sdk.TriggerModels.Fire;
import dev.griddle.sdk.TriggerModels.Trigger;
import dev.griddle.sdk.TriggerModels.TriggerInput;
import dev.griddle.server.ApiTest;
import dev.griddle.server.run.TestJson;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Cron triggers over the API: CRUD and validation, and real fires by the scheduler loop. Instead of
 * waiting for a minute boundary, a test moves the trigger's {@code next_fire_at} into the past,
 * exactly as downtime would; the scheduler then fires it within its poll interval.
 */
class TriggerCronApiTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    private UUID runner(GriddleClient c, String steps) {
        return c.runners().createYaml("name: r-" + UUID.randomUUID() + "\nsteps:\n" + steps).id();
    }

    private void makeDue(UUID triggerId, Instant at) {
        jdbc.sql("update triggers set next_fire_at = :at where id = :id").param("at", java.sql.Timestamp.from(at)).param("id", triggerId).update();
    }

    private List<Fire> awaitFires(GriddleClient c, UUID triggerId, int count) {
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> c.triggers().fires(triggerId, PageRequest.first()).data(), f -> f.size() >= count);
    }

    @Test
    void createShowsTheNextFireAndValidatesEveryField() {
        GriddleClient c = newOrg();
        UUID runner = runner(c, "  - {id: t, type: transform, with: {value: 1}}\n");
        Trigger t = c.triggers().create(runner, TriggerInput.cron("0 7 * * 1-5", "Europe/Berlin", "skip"));
        assertThat(t.type()).isEqualTo("cron");
        assertThat(t.enabled()).isTrue();
        assertThat(t.cron()).isEqualTo(new Cron("0 7 * * 1-5", "Europe/Berlin", "skip"));
        assertThat(t.nextFireAt()).isAfter(Instant.now());
        assertThat(t.lastFiredAt()).isNull();
        assertThat(t.ingressUrl()).isNull();
        assertThat(t.signingSecret()).isNull();

        Trigger defaults = c.triggers().create(runner, TriggerInput.cron("@hourly", null, null));
        assertThat(defaults.cron()).isEqualTo(new Cron("@hourly", "UTC", "allow"));
        assertThat(defaults.nextFireAt()).isEqualTo(Instant.now().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS));

        GriddleApiException zone = expectError(422, "VALIDATION_FAILED",
                () -> c.triggers().create(runner, TriggerInput.cron("* * * * *", "Mars/Olympus", "allow")));
        assertThat(zone.details()).extractingByKey("field_errors").asString().contains("cron.timezone").contains("Mars/Olympus");
        GriddleApiException all = expectError(422, "VALIDATION_FAILED",
                () -> c.triggers().create(runner, TriggerInput.cron("61 * * *", "UTC", "sometimes")));
        assertThat(all.details()).extractingByKey("field_errors").asString().contains("cron.schedule").contains("cron.overlap");
        GriddleApiException never = expectError(422, "VALIDATION_FAILED", () -> c.triggers().create(runner, TriggerInput.cron("0 0 30 2 *", "UTC", "allow")));
        assertThat(never.details()).extractingByKey("field_errors").asString().contains("cron.schedule").contains("never fires");
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().create(runner, new TriggerInput("webhook", null, null, new Cron("* * * * *", null, null))));
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().create(runner, new TriggerInput("email", null, null, null)));
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().create(runner, new TriggerInput("cron", null, null, null)));
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().create(runner, TriggerInput.webhook().withInput(TestJson.parse("[1]"))));
        expectError(404, "NOT_FOUND", () -> c.triggers().create(UUID.randomUUID(), TriggerInput.webhook()));

        assertThat(c.triggers().list(runner, PageRequest.first()).meta().total()).isEqualTo(2);
        expectError(404, "NOT_FOUND", () -> newOrg().triggers().get(t.id()));
    }

    @Test
    void patchDisablesEnablesAndReschedules() {
        GriddleClient c = newOrg();
        UUID runner = runner(c, "  - {id: t, type: transform, with: {value: 1}}\n");
        Trigger t = c.triggers().create(runner, TriggerInput.cron("@daily", "UTC", "allow"));
        Trigger off = c.triggers().update(t.id(), new TriggerInput(null, false, null, null));
        assertThat(off.enabled()).isFalse();
        assertThat(off.nextFireAt()).isNull();
        Trigger on = c.triggers().update(t.id(), new TriggerInput(null, true, null, new Cron("@hourly", null, null)));
        assertThat(on.nextFireAt()).isEqualTo(Instant.now().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS));
        assertThat(on.cron()).isEqualTo(new Cron("@hourly", "UTC", "allow"));
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().update(t.id(), new TriggerInput("webhook", null, null, null)));
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().update(t.id(), new TriggerInput(null, null, null, new Cron(null, "Nowhere/Town", null))));
        GriddleApiException never = expectError(422, "VALIDATION_FAILED",
                () -> c.triggers().update(t.id(), new TriggerInput(null, null, null, new Cron("0 0 31 4 *", null, null))));
        assertThat(never.details()).extractingByKey("field_errors").asString().contains("cron.schedule").contains("never fires");
        assertThat(c.triggers().get(t.id()).cron().schedule()).isEqualTo("@hourly");
        c.triggers().delete(t.id());
        expectError(404, "NOT_FOUND", () -> c.triggers().get(t.id()));
    }

    @Test
    void aDueTriggerStartsOneRunWithItsInputAndMovesOn() {
        clearOfTheMinutesEnd();
        GriddleClient c = newOrg();
        UUID runner = runner(c, "  - {id: echo, type: transform, with: {value: \"{{ input.greeting }}\"}}\n");
        Trigger t = c.triggers().create(runner, TriggerInput.cron("* * * * *", "UTC", "allow").withInput(TestJson.parse("{\"greeting\": \"hi\"}")));
        Instant scheduled = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        makeDue(t.id(), scheduled);

        Fire fire = awaitFires(c, t.id(), 1).getFirst();
        assertThat(fire.scheduledAt()).isEqualTo(scheduled);
        assertThat(fire.skipped()).isFalse();
        assertThat(fire.missed()).isZero();
        assertThat(fire.firedAt()).isAfterOrEqualTo(scheduled);
        Run run = c.runs().await(fire.runId(), Duration.ofSeconds(30));
        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.trigger().type()).isEqualTo("cron");
        assertThat(run.trigger().id()).isEqualTo(t.id());
        assertThat(run.input().path("greeting").asString()).isEqualTo("hi");
        assertThat(c.runs().list(null, PageRequest.first()).data()).hasSize(1);

        Trigger after = c.triggers().get(t.id());
        assertThat(after.lastFiredAt()).isNotNull();
        assertThat(after.nextFireAt()).isAfter(Instant.now().minusSeconds(1)).isEqualTo(after.nextFireAt().truncatedTo(ChronoUnit.MINUTES));
    }

    @Test
    void afterDowntimeMissedInstantsFireOnce() {
        GriddleClient c = newOrg();
        UUID runner = runner(c, "  - {id: t, type: transform, with: {value: 1}}\n");
        Trigger t = c.triggers().create(runner, TriggerInput.cron("* * * * *", "UTC", "allow"));
        Instant now = Instant.now();
        Instant latest = now.truncatedTo(ChronoUnit.MINUTES);
        makeDue(t.id(), latest.minus(10, ChronoUnit.MINUTES));

        List<Fire> fires = awaitFires(c, t.id(), 1);
        Fire fire = fires.getFirst();
        // the ten missed minutes and the current one: one fire, for the latest instant
        assertThat(fire.scheduledAt()).isBetween(latest, latest.plus(1, ChronoUnit.MINUTES));
        assertThat(fire.missed()).isBetween(10, 11);
        assertThat(fire.runId()).isNotNull();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> c.triggers().fires(t.id(), PageRequest.first()).data().size() <= 2);
    }

    @Test
    void overlapSkipRecordsTheSkippedFire() {
        GriddleClient c = newOrg();
        UUID runner = runner(c, "  - {id: gate, type: approval, with: {message: wait}}\n");
        Trigger t = c.triggers().create(runner, TriggerInput.cron("* * * * *", "UTC", "skip"));
        makeDue(t.id(), Instant.now().minusSeconds(1));
        Fire first = awaitFires(c, t.id(), 1).getFirst();
        assertThat(first.skipped()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.runs().get(first.runId()).status(), "waiting"::equals);

        makeDue(t.id(), Instant.now().minusSeconds(1));
        Fire second = awaitFires(c, t.id(), 2).getFirst();
        assertThat(second.skipped()).isTrue();
        assertThat(second.runId()).isNull();
        assertThat(second.reason()).startsWith("previous_run_active").contains(first.runId().toString());
        assertThat(c.runs().list(null, PageRequest.first()).data()).hasSize(1);
    }

    @Test
    void aRunThatCannotStartIsRecordedAndTheTriggerMovesOn() {
        GriddleClient c = newOrg();
        UUID runner = c.runners().createYaml("""
                name: needs-input
                input_schema: {type: object, required: [must]}
                steps:
                  - {id: t, type: transform, with: {value: 1}}
                """).id();
        Trigger t = c.triggers().create(runner, TriggerInput.cron("* * * * *", "UTC", "allow"));
        makeDue(t.id(), Instant.now().minusSeconds(1));
        Fire fire = awaitFires(c, t.id(), 1).getFirst();
        assertThat(fire.skipped()).isTrue();
        assertThat(fire.reason()).startsWith("run_not_started").contains("must");
        assertThat(c.triggers().get(t.id()).nextFireAt()).isAfter(Instant.now());
        assertThat(c.runs().list(null, PageRequest.first()).data()).isEmpty();
    }

    /**
     * A trigger made due at this minute's instant is fired for a later one (with {@code missed} 1) when
     * the firer first looks at it after the minute turned; start far enough from the minute's end.
     */
    private static void clearOfTheMinutesEnd() {
        Instant now = Instant.now();
        Instant end = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        if (Duration.between(now, end).compareTo(Duration.ofSeconds(10)) < 0) {
            try {
                Thread.sleep(Duration.between(now, end).plusMillis(200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}

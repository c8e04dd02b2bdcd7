package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.TriggerModels.Trigger;
import dev.griddle.sdk.TriggerModels.TriggerInput;
import dev.griddle.sdk.TriggerModels.WebhookAccepted;
import dev.griddle.sdk.TriggersClient;
import dev.griddle.server.ApiTest;
import dev.griddle.server.run.TestJson;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Signed webhook ingress over real HTTP: signatures, rotation, replays, schema failures, other bodies, limits. */
class TriggerWebhookApiTest extends ApiTest {

    private UUID runner(GriddleClient c, String extra) {
        return c.runners().createYaml("name: r-" + UUID.randomUUID() + "\n" + extra + "steps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
    }

    private long runs(GriddleClient c) {
        return c.runs().list(null, PageRequest.first()).meta().total();
    }

    private static RawResponse post(GriddleClient c, String path, String body, Map<String, String> headers) {
        java.util.HashMap<String, String> h = new java.util.HashMap<>(headers);
        h.putIfAbsent("Content-Type", "application/json");
        h.put("Authorization", "Bearer none");
        return c.raw("POST", path, body, h);
    }

    @Test
    void aSignedDeliveryStartsARunWithTheBodyOverTheDefaults() {
        GriddleClient c = newOrg();
        UUID runner = runner(c, "");
        Trigger t = c.triggers().create(runner, TriggerInput.webhook().withInput(TestJson.parse("{\"source\": \"crm\", \"priority\": \"low\"}")));
        assertThat(t.type()).isEqualTo("webhook");
        assertThat(t.ingressUrl()).isEqualTo(baseUrl() + "/hooks/" + t.id());
        assertThat(t.signingSecret()).startsWith("whsec_");
        assertThat(t.cron()).isNull();
        assertThat(t.nextFireAt()).isNull();
        Trigger fetched = c.triggers().get(t.id());
        assertThat(fetched.signingSecret()).isNull();
        assertThat(fetched.ingressUrl()).isEqualTo(t.ingressUrl());
        assertThat(c.raw("GET", "/api/v1/triggers/" + t.id(), null, Map.of()).body()).doesNotContain("whsec_");

        WebhookAccepted accepted = c.triggers().deliver(t.id(), t.signingSecret(), "{\"priority\": \"high\", \"ticket\": 7}", null);
        assertThat(accepted.replayed()).isFalse();
        Run run = c.runs().await(accepted.runId(), Duration.ofSeconds(30));
        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.trigger().type()).isEqualTo("webhook");
        assertThat(run.trigger().id()).isEqualTo(t.id());
        assertThat(run.input()).isEqualTo(TestJson.parse("{\"source\": \"crm\", \"priority\": \"high\", \"ticket\": 7}"));

        RawResponse raw = c.triggers().deliverRaw(t.id(), t.signingSecret(), "{}", "application/json", null);
        assertThat(raw.status()).isEqualTo(202);
        assertThat(json(raw).path("run_id").asString()).isNotBlank();
    }

    @Test
    void badMissingAndUnknownLookTheSameAndStartNothing() {
        GriddleClient c = newOrg();
        Trigger t = c.triggers().create(runner(c, ""), TriggerInput.webhook());
        String body = "{\"a\": 1}";
        JsonNode bad = assertEnvelope(c.triggers().deliverRaw(t.id(), "whsec_wrong", body, "application/json", null), 401, "UNAUTHENTICATED");
        JsonNode unknown = assertEnvelope(c.triggers().deliverRaw(UUID.randomUUID(), t.signingSecret(), body, "application/json", null), 401,
                "UNAUTHENTICATED");
        assertThat(unknown.path("error").path("message")).isEqualTo(bad.path("error").path("message"));
        assertEnvelope(post(c, "/hooks/not-a-uuid", body, Map.of("X-Griddle-Signature", TriggersClient.sign(t.signingSecret(), body.getBytes()))),
                401, "UNAUTHENTICATED");
        JsonNode missing = assertEnvelope(c.triggers().deliverRaw(t.id(), null, body, "application/json", null), 401, "UNAUTHENTICATED");
        assertThat(missing.path("error").path("message").asString()).contains("missing");
        assertEnvelope(post(c, "/hooks/" + t.id(), body, Map.of("X-Griddle-Signature", "sha256=zz")), 401, "UNAUTHENTICATED");
        // a signature of another body
        assertEnvelope(post(c, "/hooks/" + t.id(), body, Map.of("X-Griddle-Signature", TriggersClient.sign(t.signingSecret(), "{}".getBytes()))),
                401, "UNAUTHENTICATED");
        assertThat(runs(c)).isZero();

        c.triggers().update(t.id(), new TriggerInput(null, false, null, null));
        assertEnvelope(c.triggers().deliverRaw(t.id(), t.signingSecret(), body, "application/json", null), 409, "CONFLICT");
        c.triggers().delete(t.id());
        JsonNode deleted = assertEnvelope(c.triggers().deliverRaw(t.id(), t.signingSecret(), body, "application/json", null), 401, "UNAUTHENTICATED");
        assertThat(deleted.path("error").path("message")).isEqualTo(bad.path("error").path("message"));
        assertThat(runs(c)).isZero();
    }

    @Test
    void aRepeatedDeliveryIdGetsTheFirstRun() {
        GriddleClient c = newOrg();
        Trigger t = c.triggers().create(runner(c, ""), TriggerInput.webhook());
        String delivery = "evt_" + UUID.randomUUID();
        WebhookAccepted first = c.triggers().deliver(t.id(), t.signingSecret(), "{\"n\": 1}", delivery);
        WebhookAccepted again = c.triggers().deliver(t.id(), t.signingSecret(), "{\"n\": 1}", delivery);
        assertThat(first.replayed()).isFalse();
        assertThat(again.replayed()).isTrue();
        assertThat(again.runId()).isEqualTo(first.runId());
        assertThat(again.deliveryId()).isEqualTo(delivery);
        WebhookAccepted other = c.triggers().deliver(t.id(), t.signingSecret(), "{\"n\": 1}", "evt_other");
        assertThat(other.runId()).isNotEqualTo(first.runId());
        assertThat(runs(c)).isEqualTo(2);
    }

    @Test
    void inputFailingTheSchemaIs422AndStartsNothing() {
        GriddleClient c = newOrg();
        UUID runner = runner(c, "input_schema: {type: object, required: [ticket_id], properties: {ticket_id: {type: string}}}\n");
        Trigger t = c.triggers().create(runner, TriggerInput.webhook());
        JsonNode error = assertEnvelope(c.triggers().deliverRaw(t.id(), t.signingSecret(), "{\"ticket_id\": 5}", "application/json", "d-1"),
                422, "VALIDATION_FAILED");
        assertThat(error.toString()).contains("ticket_id");
        assertThat(runs(c)).isZero();
        // the failed delivery did not use up its id: the sender's corrected retry starts the run
        WebhookAccepted fixed = c.triggers().deliver(t.id(), t.signingSecret(), "{\"ticket_id\": \"T-5\"}", "d-1");
        assertThat(fixed.replayed()).isFalse();
        assertThat(runs(c)).isEqualTo(1);
        assertEnvelope(c.triggers().deliverRaw(t.id(), t.signingSecret(), "{not json", "application/json", null), 400, "BAD_REQUEST");
    }

    @Test
    void nonJsonBodiesAreDeliveredAsText() {
        GriddleClient c = newOrg();
        Trigger t = c.triggers().create(runner(c, ""), TriggerInput.webhook().withInput(TestJson.parse("{\"kind\": \"form\"}")));
        RawResponse raw = c.triggers().deliverRaw(t.id(), t.signingSecret(), "name=Ada&lang=en", "text/plain", null);
        assertThat(raw.status()).as(raw.body()).isEqualTo(202);
        Run run = c.runs().get(UUID.fromString(json(raw).path("run_id").asString()));
        assertThat(run.input()).isEqualTo(TestJson.parse("{\"kind\": \"form\", \"body\": \"name=Ada&lang=en\", \"content_type\": \"text/plain\"}"));
        WebhookAccepted array = c.triggers().deliver(t.id(), t.signingSecret(), "[1, 2]", null);
        assertThat(c.runs().get(array.runId()).input().path("body")).isEqualTo(TestJson.parse("[1, 2]"));
    }

    @Test
    void rotationKeepsTheOldSecretForTheGracePeriodOnly() throws InterruptedException {
        GriddleClient c = newOrg();
        Trigger t = c.triggers().create(runner(c, ""), TriggerInput.webhook());
        String first = t.signingSecret();
        Trigger rotated = c.triggers().rotateSecret(t.id(), null);
        String second = rotated.signingSecret();
        assertThat(second).isNotEqualTo(first).startsWith("whsec_");
        assertThat(rotated.previousSecretExpiresAt()).isBetween(java.time.Instant.now().plus(Duration.ofHours(23)),
                java.time.Instant.now().plus(Duration.ofHours(25)));
        c.triggers().deliver(t.id(), first, "{}", null);
        c.triggers().deliver(t.id(), second, "{}", null);

        String third = c.triggers().rotateSecret(t.id(), 1L).signingSecret();
        c.triggers().deliver(t.id(), second, "{}", null);
        c.triggers().deliver(t.id(), third, "{}", null);
        assertEnvelope(c.triggers().deliverRaw(t.id(), first, "{}", "application/json", null), 401, "UNAUTHENTICATED");
        Thread.sleep(1_200);
        assertEnvelope(c.triggers().deliverRaw(t.id(), second, "{}", "application/json", null), 401, "UNAUTHENTICATED");
        c.triggers().deliver(t.id(), third, "{}", null);
        assertThat(c.triggers().get(t.id()).previousSecretExpiresAt()).isNull();

        expectError(422, "VALIDATION_FAILED", () -> c.triggers().rotateSecret(t.id(), -1L));
        Trigger cron = c.triggers().create(t.runnerId(), TriggerInput.cron("@daily", null, null));
        expectError(409, "CONFLICT", () -> c.triggers().rotateSecret(cron.id(), null));
    }

    @Test
    void anOversizedBodyIs413() {
        GriddleClient c = newOrg();
        Trigger t = c.triggers().create(runner(c, ""), TriggerInput.webhook());
        String big = "{\"blob\": \"" + "x".repeat(2 * 1024 * 1024 + 10) + "\"}";
        assertEnvelope(c.triggers().deliverRaw(t.id(), t.signingSecret(), big, "application/json", null), 413, "PAYLOAD_TOO_LARGE");
        assertThat(runs(c)).isZero();
    }
}

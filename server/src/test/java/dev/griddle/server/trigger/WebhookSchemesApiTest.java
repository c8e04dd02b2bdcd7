package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.TriggerModels.Delivery;
import dev.griddle.sdk.TriggerModels.Trigger;
import dev.griddle.sdk.TriggerModels.TriggerInput;
import dev.griddle.server.ApiTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Inbound webhooks as real senders sign them (Standard Webhooks, GitHub, Stripe, Slack), over real
 * HTTP: every expected signature is computed here with the JDK's Mac, independently of the server.
 */
class WebhookSchemesApiTest extends ApiTest {

    @Autowired
    DeliveryStore deliveryStore;

    private UUID runner(GriddleClient c) {
        return c.runners().createYaml("name: r-" + UUID.randomUUID() + "\nsteps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
    }

    private long runs(GriddleClient c) {
        return c.runs().list(null, PageRequest.first()).meta().total();
    }

    private RawResponse post(GriddleClient c, UUID trigger, String body, Map<String, String> headers) {
        Map<String, String> h = new HashMap<>(headers);
        h.putIfAbsent("Content-Type", "application/json");
        return c.raw("POST", "/hooks/" + trigger, body, h);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static String hex(String secret, String data) {
        return HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), data));
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    /** Standard Webhooks headers: the key is the base64 after whsec_. */
    private static Map<String, String> standard(String secret, String id, long ts, String body) {
        return Map.of("webhook-id", id, "webhook-timestamp", Long.toString(ts), "webhook-signature", v1(secret, id, ts, body));
    }

    private static String v1(String secret, String id, long ts, String body) {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + ts + "." + body));
    }

    @Test
    void standardWebhooksAreVerifiedDeduplicatedAndTimeBound() {
        GriddleClient c = newOrg();
        Trigger t = c.triggers().create(runner(c), TriggerInput.webhook());
        assertThat(t.signatureScheme()).isEqualTo("standard");
        assertThat(Base64.getDecoder().decode(t.signingSecret().substring("whsec_".length()))).hasSize(32);
        String body = "{\"type\": \"invoice.paid\", \"n\": 1}";
        String id = "msg_" + UUID.randomUUID();

        RawResponse first = post(c, t.id(), body, standard(t.signingSecret(), id, now(), body));
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(json(first).path("delivery_id").asString()).isEqualTo(id);
        RawResponse again = post(c, t.id(), body, standard(t.signingSecret(), id, now(), body));
        assertThat(again.status()).isEqualTo(202);
        assertThat(json(again).path("replayed").asBoolean()).isTrue();
        assertThat(json(again).path("run_id")).isEqualTo(json(first).path("run_id"));
        assertThat(runs(c)).isEqualTo(1);

        // the signature covers id and timestamp: a captured delivery cannot be replayed under another id
        Map<String, String> captured = new HashMap<>(standard(t.signingSecret(), id, now(), body));
        captured.put("webhook-id", "msg_other");
        assertEnvelope(post(c, t.id(), body, captured), 401, "UNAUTHENTICATED");
        assertEnvelope(post(c, t.id(), body + " ", standard(t.signingSecret(), "msg_b", now(), body)), 401, "UNAUTHENTICATED");
        String secretOfAnother = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        assertEnvelope(post(c, t.id(), body, standard(secretOfAnother, "msg_c", now(), body)), 401, "UNAUTHENTICATED");
        JsonNode stale = assertEnvelope(post(c, t.id(), body, standard(t.signingSecret(), "msg_d", now() - 301, body)), 401, "UNAUTHENTICATED");
        assertThat(stale.path("error").path("message").asString()).contains("timestamp");
        assertEnvelope(post(c, t.id(), body, standard(t.signingSecret(), "msg_e", now() + 400, body)), 401, "UNAUTHENTICATED");
        assertThat(post(c, t.id(), body, standard(t.signingSecret(), "msg_f", now() - 200, body)).status()).isEqualTo(202);
        assertThat(runs(c)).isEqualTo(2);
    }

    @Test
    void severalSignaturesCarryARotation() {
        GriddleClient c = newOrg();
        Trigger t = c.triggers().create(runner(c), TriggerInput.webhook());
        String old = t.signingSecret();
        String fresh = c.triggers().rotateSecret(t.id(), 0L).signingSecret();
        String body = "{}";
        long ts = now();
        assertEnvelope(post(c, t.id(), body, standard(old, "msg_1", ts, body)), 401, "UNAUTHENTICATED");
        Map<String, String> both = Map.of("webhook-id", "msg_2", "webhook-timestamp", Long.toString(ts),
                "webhook-signature", v1(old, "msg_2", ts, body) + " " + v1(fresh, "msg_2", ts, body));
        assertThat(post(c, t.id(), body, both).status()).isEqualTo(202);
        Map<String, String> garbageFirst = Map.of("webhook-id", "msg_3", "webhook-timestamp", Long.toString(ts),
                "webhook-signature", "v1,bm90LWEtc2lnbmF0dXJl v2,abc " + v1(fresh, "msg_3", ts, body));
        assertThat(post(c, t.id(), body, garbageFirst).status()).isEqualTo(202);
    }

    @Test
    void aCallerSuppliedSecretIsWriteOnlyAndChecked() {
        GriddleClient c = newOrg();
        UUID runner = runner(c);
        String supplied = "whsec_" + Base64.getEncoder().encodeToString("twenty-four bytes key!!!".getBytes(StandardCharsets.UTF_8));
        Trigger t = c.triggers().create(runner, TriggerInput.webhook().withSigningSecret(supplied));
        assertThat(t.signingSecret()).isNull();
        assertThat(c.raw("GET", "/api/v1/triggers/" + t.id(), null, Map.of()).body()).doesNotContain(supplied.substring(6));
        String body = "{\"a\": 1}";
        assertThat(post(c, t.id(), body, standard(supplied, "msg_1", now(), body)).status()).isEqualTo(202);

        expectError(422, "VALIDATION_FAILED", () -> c.triggers().create(runner, TriggerInput.webhook().withSigningSecret("whsec_not base64!")));
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().create(runner, TriggerInput.webhook("github").withSigningSecret("short")));
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().create(runner, TriggerInput.webhook("stripe")));
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().create(runner, TriggerInput.webhook("smtp")));
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().create(runner, TriggerInput.cron("@daily", null, null).withSigningSecret("abcdefgh1")));
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().update(t.id(), TriggerInput.webhook("github")));
        // the secret it holds may come again (an apply bundle re-applied); another one goes through rotate-secret
        assertThat(c.triggers().update(t.id(), new TriggerInput(null, null, null, null, null, supplied)).signingSecret()).isNull();
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().update(t.id(), new TriggerInput(null, null, null, null, null, supplied + "x")));
        assertThat(c.triggers().update(t.id(), TriggerInput.webhook("standard")).signatureScheme()).isEqualTo("standard");

        String next = "whsec_" + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        Trigger rotated = c.triggers().rotateSecret(t.id(), 0L, next);
        assertThat(rotated.signingSecret()).isNull();
        assertThat(post(c, t.id(), body, standard(next, "msg_2", now(), body)).status()).isEqualTo(202);
        assertEnvelope(post(c, t.id(), body, standard(supplied, "msg_3", now(), body)), 401, "UNAUTHENTICATED");
    }

    @Test
    void githubDeliveriesAndPing() {
        GriddleClient c = newOrg();
        String secret = "gh-webhook-secret-" + UUID.randomUUID();
        Trigger t = c.triggers().create(runner(c), TriggerInput.webhook("github").withSigningSecret(secret));
        assertThat(t.signatureScheme()).isEqualTo("github");
        String push = "{\"ref\": \"refs/heads/main\"}";
        String delivery = UUID.randomUUID().toString();
        Map<String, String> headers = Map.of("X-Hub-Signature-256", "sha256=" + hex(secret, push), "X-GitHub-Event", "push",
                "X-GitHub-Delivery", delivery);
        RawResponse first = post(c, t.id(), push, headers);
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        RawResponse redelivered = post(c, t.id(), push, headers);
        assertThat(json(redelivered).path("replayed").asBoolean()).isTrue();
        assertThat(runs(c)).isEqualTo(1);

        String ping = "{\"zen\": \"Keep it logically awesome.\", \"hook_id\": 1}";
        RawResponse pong = post(c, t.id(), ping, Map.of("X-Hub-Signature-256", "sha256=" + hex(secret, ping), "X-GitHub-Event", "ping",
                "X-GitHub-Delivery", UUID.randomUUID().toString()));
        assertThat(pong.status()).as(pong.body()).isEqualTo(200);
        assertEnvelope(post(c, t.id(), push, Map.of("X-Hub-Signature-256", "sha256=" + hex("another", push), "X-GitHub-Event", "push")),
                401, "UNAUTHENTICATED");
        // the scheme decides the header: a Griddle signature does not open a GitHub trigger
        assertEnvelope(post(c, t.id(), push, Map.of("X-Griddle-Signature", "sha256=" + hex(secret, push))), 401, "UNAUTHENTICATED");
        assertThat(runs(c)).isEqualTo(1);
    }

    @Test
    void stripeEventsAreVerifiedOverTheTimestampAndDeduplicatedOnTheEventId() {
        GriddleClient c = newOrg();
        String secret = "whsec_" + UUID.randomUUID().toString().replace("-", "");
        Trigger t = c.triggers().create(runner(c), TriggerInput.webhook("stripe").withSigningSecret(secret));
        String event = "{\"id\": \"evt_" + UUID.randomUUID() + "\", \"type\": \"charge.succeeded\"}";
        long ts = now();
        RawResponse first = post(c, t.id(), event, Map.of("Stripe-Signature", "t=" + ts + ",v1=" + hex(secret, ts + "." + event)));
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        long later = ts + 1;
        RawResponse retried = post(c, t.id(), event, Map.of("Stripe-Signature", "t=" + later + ",v1=" + hex("old-secret", later + "." + event)
                + ",v1=" + hex(secret, later + "." + event) + ",v0=" + hex(secret, "x")));
        assertThat(retried.status()).isEqualTo(202);
        assertThat(json(retried).path("replayed").asBoolean()).isTrue();
        assertThat(runs(c)).isEqualTo(1);
        long old = ts - 600;
        assertEnvelope(post(c, t.id(), event, Map.of("Stripe-Signature", "t=" + old + ",v1=" + hex(secret, old + "." + event))), 401,
                "UNAUTHENTICATED");
        assertEnvelope(post(c, t.id(), event, Map.of("Stripe-Signature", "t=" + ts + ",v1=" + hex(secret, event))), 401, "UNAUTHENTICATED");

        String rotated = "whsec_rotated" + UUID.randomUUID().toString().replace("-", "");
        expectError(422, "VALIDATION_FAILED", () -> c.triggers().rotateSecret(t.id(), 0L));
        c.triggers().rotateSecret(t.id(), 0L, rotated);
        String second = "{\"id\": \"evt_2" + UUID.randomUUID() + "\"}";
        assertThat(post(c, t.id(), second, Map.of("Stripe-Signature", "t=" + ts + ",v1=" + hex(rotated, ts + "." + second))).status())
                .isEqualTo(202);
        assertThat(runs(c)).isEqualTo(2);
    }

    @Test
    void slackUrlVerificationAndEvents() {
        GriddleClient c = newOrg();
        String secret = HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)).substring(0, 32);
        Trigger t = c.triggers().create(runner(c), TriggerInput.webhook("slack").withSigningSecret(secret));
        long ts = now();
        String challenge = "{\"token\": \"x\", \"challenge\": \"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\", \"type\": \"url_verification\"}";
        RawResponse verified = post(c, t.id(), challenge, slack(secret, ts, challenge));
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertThat(json(verified).path("challenge").asString()).isEqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
        assertThat(runs(c)).isZero();

        String event = "{\"type\": \"event_callback\", \"event_id\": \"Ev" + UUID.randomUUID() + "\", \"event\": {\"type\": \"app_mention\"}}";
        RawResponse first = post(c, t.id(), event, slack(secret, ts, event));
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(json(post(c, t.id(), event, slack(secret, ts + 2, event))).path("replayed").asBoolean()).isTrue();
        assertThat(runs(c)).isEqualTo(1);
        assertEnvelope(post(c, t.id(), event, slack(secret, ts - 301, event)), 401, "UNAUTHENTICATED");
        assertEnvelope(post(c, t.id(), challenge, slack("not-the-secret-at-all", ts, challenge)), 401, "UNAUTHENTICATED");
    }

    private static Map<String, String> slack(String secret, long ts, String body) {
        return Map.of("X-Slack-Request-Timestamp", Long.toString(ts), "X-Slack-Signature", "v0=" + hex(secret, "v0:" + ts + ":" + body));
    }

    @Test
    void theDeliveryLogShowsEachRequestToItsOrganizationOnlyAndIsPruned() {
        GriddleClient c = newOrg();
        Trigger t = c.triggers().create(runner(c), TriggerInput.webhook());
        String body = "{\"secret_in_body\": \"do-not-log-me\"}";
        assertThat(post(c, t.id(), body, standard(t.signingSecret(), "msg_ok", now(), body)).status()).isEqualTo(202);
        assertThat(post(c, t.id(), body, standard(t.signingSecret(), "msg_ok", now(), body)).status()).isEqualTo(202);
        post(c, t.id(), body, standard(t.signingSecret(), "msg_stale", now() - 1000, body));
        post(c, t.id(), body, Map.of("webhook-id", "msg_forged", "webhook-timestamp", Long.toString(now()), "webhook-signature", "v1,AAAA"));
        post(c, t.id(), body, Map.of());

        List<Delivery> log = c.triggers().deliveries(t.id(), PageRequest.first()).data();
        assertThat(log).extracting(Delivery::status).containsExactly(401, 401, 401, 202, 202);
        assertThat(log.get(0).reason()).contains("missing");
        assertThat(log.get(1).reason()).contains("signature does not match");
        assertThat(log.get(2).reason()).contains("timestamp");
        assertThat(log.get(3).reason()).contains("duplicate");
        assertThat(log.get(3).runId()).isEqualTo(log.get(4).runId()).isNotNull();
        assertThat(log.get(4).deliveryId()).isEqualTo("msg_ok");
        assertThat(log.get(4).reason()).isNull();
        assertThat(c.raw("GET", "/api/v1/triggers/" + t.id() + "/deliveries", null, Map.of()).body()).doesNotContain("do-not-log-me");

        GriddleClient other = newOrg();
        expectError(404, "NOT_FOUND", () -> other.triggers().deliveries(t.id(), PageRequest.first()));

        // past the de-duplication window both the log and the delivery ids are gone: the id starts a run again
        assertThat(deliveryStore.pruneBefore(Instant.now().plusSeconds(60))).isGreaterThanOrEqualTo(6);
        assertThat(c.triggers().deliveries(t.id(), PageRequest.first()).data()).isEmpty();
        RawResponse afterWindow = post(c, t.id(), body, standard(t.signingSecret(), "msg_ok", now(), body));
        assertThat(json(afterWindow).path("replayed").asBoolean()).isFalse();
        assertThat(runs(c)).isEqualTo(2);
    }
}

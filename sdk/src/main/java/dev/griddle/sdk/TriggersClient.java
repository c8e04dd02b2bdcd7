package dev.griddle.sdk;

import dev.griddle.sdk.TriggerModels.Delivery;
import dev.griddle.sdk.TriggerModels.Fire;
import dev.griddle.sdk.TriggerModels.Trigger;
import dev.griddle.sdk.TriggerModels.TriggerInput;
import dev.griddle.sdk.TriggerModels.WebhookAccepted;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Cron and webhook triggers of runners, their fire log, secret rotation, and sending signed webhooks. */
public final class TriggersClient {

    private final Transport http;

    TriggersClient(Transport http) {
        this.http = http;
    }

    public Trigger create(UUID runnerId, TriggerInput trigger) {
        return http.call("POST", "/api/v1/runners/" + runnerId + "/triggers", trigger, Trigger.class);
    }

    public Page<Trigger> list(UUID runnerId, PageRequest page) {
        return http.page("/api/v1/runners/" + runnerId + "/triggers?" + page.query(), Trigger.class);
    }

    public Trigger get(UUID id) {
        return http.call("GET", "/api/v1/triggers/" + id, null, Trigger.class);
    }

    public Trigger update(UUID id, TriggerInput changes) {
        return http.call("PATCH", "/api/v1/triggers/" + id, changes, Trigger.class);
    }

    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/triggers/" + id, null, Map.of());
    }

    /** A new signing secret (in the result, once); the old one is accepted for {@code graceSeconds} (null: the server's default). */
    public Trigger rotateSecret(UUID id, Long graceSeconds) {
        return rotateSecret(id, graceSeconds, null);
    }

    /** Rotates to {@code newSecret}, one the sender generated (null: the server makes one and returns it). */
    public Trigger rotateSecret(UUID id, Long graceSeconds, String newSecret) {
        Map<String, Object> body = new HashMap<>();
        if (graceSeconds != null) {
            body.put("grace_period_seconds", graceSeconds);
        }
        if (newSecret != null) {
            body.put("signing_secret", newSecret);
        }
        return http.call("POST", "/api/v1/triggers/" + id + "/rotate-secret", body.isEmpty() ? null : body, Trigger.class);
    }

    /** The inbound delivery log of a webhook trigger, newest first. */
    public Page<Delivery> deliveries(UUID id, PageRequest page) {
        return http.page("/api/v1/triggers/" + id + "/deliveries?" + page.query(), Delivery.class);
    }

    /** The fire log of a cron trigger, newest first. */
    public Page<Fire> fires(UUID id, PageRequest page) {
        return http.page("/api/v1/triggers/" + id + "/fires?" + page.query(), Fire.class);
    }

    /** {@code sha256=<hex HMAC-SHA256(secret, body)>}: the value of {@code X-Griddle-Signature} (scheme hmac-sha256). */
    public static String sign(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    /**
     * {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, keyed by the base64 after {@code whsec_}:
     * the value of Standard Webhooks' {@code webhook-signature} (scheme standard).
     */
    public static String signStandard(String secret, String webhookId, long timestampSeconds, byte[] body) {
        String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException notBase64) {
            key = encoded.getBytes(StandardCharsets.UTF_8);
        }
        byte[] prefix = (webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(body, 0, content, prefix.length, body.length);
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, content));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Sends a signed webhook delivery as the sender would, answered as it came (no exception on
     * errors). It is signed both ways a Griddle-made secret can sign: Standard Webhooks
     * ({@code webhook-id} = {@code deliveryId}, or a fresh id when null; the current time) and
     * {@code X-Griddle-Signature} (with {@code X-Griddle-Delivery} when {@code deliveryId} is
     * given); the server reads the headers of the trigger's scheme and ignores the others.
     */
    public RawResponse deliverRaw(UUID triggerId, String secret, String body, String contentType, String deliveryId) {
        Map<String, String> headers = new HashMap<>();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (secret != null) {
            String webhookId = deliveryId != null ? deliveryId : "msg_" + UUID.randomUUID();
            long now = System.currentTimeMillis() / 1000;
            headers.put("X-Griddle-Signature", sign(secret, bytes));
            headers.put("webhook-id", webhookId);
            headers.put("webhook-timestamp", Long.toString(now));
            headers.put("webhook-signature", signStandard(secret, webhookId, now, bytes));
        }
        if (deliveryId != null) {
            headers.put("X-Griddle-Delivery", deliveryId);
        }
        return http.raw("POST", "/hooks/" + triggerId, body, contentType, headers);
    }

    /** Sends a signed JSON webhook delivery; an error status throws. */
    public WebhookAccepted deliver(UUID triggerId, String secret, String jsonBody, String deliveryId) {
        RawResponse response = deliverRaw(triggerId, secret, jsonBody, "application/json", deliveryId);
        if (response.status() >= 400) {
            throw Transport.error(response);
        }
        return Transport.JSON.readValue(response.body(), WebhookAccepted.class);
    }
}

package dev.griddle.sdk;

import dev.griddle.sdk.TriggerModels.Fire;
import dev.griddle.sdk.TriggerModels.Trigger;
import dev.griddle.sdk.TriggerModels.TriggerInput;
import dev.griddle.sdk.TriggerModels.WebhookAccepted;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
        Object body = graceSeconds == null ? null : Map.of("grace_period_seconds", graceSeconds);
        return http.call("POST", "/api/v1/triggers/" + id + "/rotate-secret", body, Trigger.class);
    }

    /** The fire log of a cron trigger, newest first. */
    public Page<Fire> fires(UUID id, PageRequest page) {
        return http.page("/api/v1/triggers/" + id + "/fires?" + page.query(), Fire.class);
    }

    /** {@code sha256=<hex HMAC-SHA256(secret, body)>}: the value of {@code X-Griddle-Signature}. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Sends a signed webhook delivery as the sender would, answered as it came (no exception on errors). */
    public RawResponse deliverRaw(UUID triggerId, String secret, String body, String contentType, String deliveryId) {
        Map<String, String> headers = new HashMap<>();
        if (secret != null) {
            headers.put("X-Griddle-Signature", sign(secret, body.getBytes(StandardCharsets.UTF_8)));
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

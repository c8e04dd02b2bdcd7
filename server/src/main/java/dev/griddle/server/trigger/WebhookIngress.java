package dev.griddle.server.trigger;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStarter;
import dev.griddle.server.engine.Trigger;
import dev.griddle.server.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A webhook delivery, from raw bytes to a run: verify the signature, turn the body into run input
 * over the trigger's defaults, and start the run once per delivery id.
 *
 * <p>An unknown (or deleted, or cron) trigger and a bad signature are the same 401, and cost the
 * same HMAC, so an unsigned caller learns nothing about which trigger ids exist. Only a caller
 * that proved it holds the secret hears that the trigger is disabled (409).
 */
@Component
class WebhookIngress {

    /** The answer: the run, and whether it was started by an earlier delivery with the same id. */
    record Accepted(UUID runId, String deliveryId, boolean replayed) {
    }

    static final int MAX_DELIVERY_ID = 200;
    private static final String DUMMY_SECRET = "whsec_unknown-trigger-costs-the-same-hmac";

    private final TriggerStore store;
    private final SigningSecrets secrets;
    private final RunStarter starter;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    WebhookIngress(TriggerStore store, SigningSecrets secrets, RunStarter starter, TransactionTemplate tx, JsonMapper json, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.starter = starter;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    Accepted deliver(String triggerId, byte[] body, String signature, String deliveryId, String contentType) {
        if (signature == null || signature.isBlank()) {
            throw unauthenticated("The X-Griddle-Signature header is missing");
        }
        StoredTrigger trigger = verified(triggerId, body, signature);
        if (!trigger.enabled()) {
            throw ApiException.conflict("Trigger " + trigger.id() + " is disabled; enable it to accept deliveries");
        }
        if (deliveryId != null && (deliveryId.isBlank() || deliveryId.length() > MAX_DELIVERY_ID)) {
            throw ApiException.validation("X-Griddle-Delivery must be 1.." + MAX_DELIVERY_ID + " characters");
        }
        JsonNode input = input(trigger.input(), body, contentType);
        return tx.execute(status -> {
            Instant now = clock.instant();
            if (deliveryId != null && !store.claimDelivery(trigger.id(), deliveryId, now)) {
                UUID first = store.deliveryRun(trigger.id(), deliveryId).orElse(null);
                return new Accepted(first, deliveryId, true);
            }
            RunRow run = starter.start(trigger.orgId(), trigger.runnerId(), new RunStarter.StartRequest(input, null, null),
                    new Trigger(StoredTrigger.WEBHOOK, trigger.id()), ProjectScope.ALL);
            if (deliveryId != null) {
                store.setDeliveryRun(trigger.id(), deliveryId, run.id());
            }
            return new Accepted(run.id(), deliveryId, false);
        });
    }

    /** The trigger whose current (or still-valid previous) secret signed this body; otherwise 401. */
    private StoredTrigger verified(String triggerId, byte[] body, String signature) {
        Optional<StoredTrigger> found = parse(triggerId).flatMap(store::findWebhook);
        if (found.isEmpty()) {
            SigningSecrets.verifies(DUMMY_SECRET, body, signature);
            throw badSignature();
        }
        StoredTrigger trigger = found.get();
        if (SigningSecrets.verifies(secrets.open(trigger.signingSecret()), body, signature)) {
            return trigger;
        }
        if (trigger.previousSecret() != null && trigger.previousSecretExpiresAt() != null
                && trigger.previousSecretExpiresAt().isAfter(clock.instant())
                && SigningSecrets.verifies(secrets.open(trigger.previousSecret()), body, signature)) {
            return trigger;
        }
        throw badSignature();
    }

    /**
     * The run input: a JSON object body merged over the trigger's default input (delivered fields
     * win); any other body as {@code {"body": ..., "content_type": ...}} over the defaults.
     */
    private JsonNode input(JsonNode defaults, byte[] body, String contentType) {
        ObjectNode input = defaults != null && defaults.isObject() ? ((ObjectNode) defaults).deepCopy() : JsonNodeFactory.instance.objectNode();
        MediaType type = mediaType(contentType);
        boolean jsonBody = type != null && (type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.getSubtype().endsWith("+json"));
        if (jsonBody && body.length > 0) {
            JsonNode delivered;
            try {
                delivered = json.readTree(body);
            } catch (JacksonException e) {
                throw ApiException.badRequest("Request body is not valid JSON: " + e.getOriginalMessage());
            }
            if (delivered.isObject()) {
                input.setAll((ObjectNode) delivered);
            } else {
                input.set("body", delivered);
                input.put("content_type", type.toString());
            }
            return input;
        }
        input.put("body", new String(body, StandardCharsets.UTF_8));
        input.put("content_type", type == null ? null : type.toString());
        return input;
    }

    private static MediaType mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        try {
            return MediaType.parseMediaType(contentType);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static ApiException badSignature() {
        return unauthenticated("The X-Griddle-Signature does not match this body for this trigger");
    }

    private static ApiException unauthenticated(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED", message, null,
                "Sign the raw body: X-Griddle-Signature: sha256=<hex HMAC-SHA256(signing_secret, body)>, with the secret shown when the trigger "
                        + "was created or its secret rotated.");
    }
}

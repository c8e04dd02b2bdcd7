package dev.griddle.server.trigger;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A trigger as the API shows it. {@code signing_secret} is present only in the responses of
 * create and rotate-secret (and not when the caller supplied it); {@code ingress_url} and
 * {@code signature_scheme} only for webhooks, {@code cron} only for cron.
 */
public record TriggerView(UUID id, UUID runnerId, String type, boolean enabled, JsonNode input, Cron cron, Instant nextFireAt,
        Instant lastFiredAt, @JsonInclude(JsonInclude.Include.NON_NULL) String ingressUrl,
        @JsonInclude(JsonInclude.Include.NON_NULL) String signatureScheme,
        @JsonInclude(JsonInclude.Include.NON_NULL) String signingSecret,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant previousSecretExpiresAt, Instant createdAt, Instant updatedAt) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cron(String schedule, String timezone, String overlap) {
    }

    static TriggerView of(StoredTrigger t, String baseUrl, String plaintextSecret, Instant now) {
        Cron cron = t.cron() ? new Cron(t.schedule(), t.timezone(), t.overlap()) : null;
        String ingress = t.cron() ? null : baseUrl + "/hooks/" + t.id();
        Instant previousExpires = t.previousSecretExpiresAt() != null && t.previousSecretExpiresAt().isAfter(now) ? t.previousSecretExpiresAt() : null;
        String scheme = t.signatureScheme() == null ? null : t.signatureScheme().wire();
        return new TriggerView(t.id(), t.runnerId(), t.type(), t.enabled(), t.input(), cron, t.nextFireAt(), t.lastFiredAt(), ingress, scheme,
                plaintextSecret, previousExpires, t.createdAt(), t.updatedAt());
    }

    /**
     * One request to a webhook trigger's ingress: the status it was answered, why it was refused
     * (null when accepted), the sender's delivery id, and the run it started or replayed.
     */
    record DeliveryView(Instant receivedAt, int status, String reason, String deliveryId, UUID runId) {
        static DeliveryView of(DeliveryStore.Delivery d) {
            return new DeliveryView(d.receivedAt(), d.status(), d.reason(), d.deliveryId(), d.runId());
        }
    }

    /** One fire of a cron trigger. {@code missed}: earlier scheduled instants folded into this fire (e.g. during downtime). */
    record FireView(Instant scheduledAt, Instant firedAt, UUID runId, boolean skipped, String reason, int missed) {
        static FireView of(TriggerStore.Fire f) {
            return new FireView(f.scheduledAt(), f.firedAt(), f.runId(), f.skipped(), f.reason(), f.missed());
        }
    }
}

package dev.griddle.server.trigger;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A {@code triggers} row, with its runner's project (for key visibility). Signing secrets are
 * sealed by SecretBox; cron fields are null for webhooks, {@code signatureScheme} for cron.
 */
record StoredTrigger(UUID id, UUID orgId, UUID runnerId, UUID projectId, String type, boolean enabled, JsonNode input,
        String schedule, String timezone, String overlap, Instant nextFireAt, Instant lastFiredAt,
        String signingSecret, String previousSecret, Instant previousSecretExpiresAt, SignatureScheme signatureScheme, Instant createdAt,
        Instant updatedAt) {

    static final String CRON = "cron";
    static final String WEBHOOK = "webhook";

    boolean cron() {
        return CRON.equals(type);
    }

    CronSchedule cronSchedule() {
        return CronSchedule.parse(schedule, CronSchedule.zone(timezone));
    }
}

package dev.griddle.sdk;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Triggers (cron, webhook), their fire log, outbound notifications, and the result of {@code apply}. */
public final class TriggerModels {

    private TriggerModels() {
    }

    /**
     * A trigger. {@code signingSecret} is set only in the responses of create and rotate-secret;
     * {@code ingressUrl} only for webhooks; {@code cron} only for cron triggers.
     */
    public record Trigger(UUID id, UUID runnerId, String type, boolean enabled, JsonNode input, Cron cron, Instant nextFireAt,
            Instant lastFiredAt, String ingressUrl, String signatureScheme, String signingSecret, Instant previousSecretExpiresAt,
            Instant createdAt, Instant updatedAt) {
    }

    /** {@code schedule}: 5-field cron or a macro; {@code timezone}: IANA id (default UTC); {@code overlap}: allow or skip. */
    public record Cron(String schedule, String timezone, String overlap) {
    }

    /**
     * Create and update body; on update only the fields given change. {@code signatureScheme}
     * (webhooks): standard (default), github, stripe, slack or hmac-sha256; {@code signingSecret}:
     * a secret the sender generated (write-only, at create).
     */
    public record TriggerInput(String type, Boolean enabled, JsonNode input, Cron cron, String signatureScheme, String signingSecret) {

        public TriggerInput(String type, Boolean enabled, JsonNode input, Cron cron) {
            this(type, enabled, input, cron, null, null);
        }

        public static TriggerInput cron(String schedule, String timezone, String overlap) {
            return new TriggerInput("cron", null, null, new Cron(schedule, timezone, overlap));
        }

        public static TriggerInput webhook() {
            return new TriggerInput("webhook", null, null, null);
        }

        /** A webhook trigger signed the way {@code scheme} says. */
        public static TriggerInput webhook(String scheme) {
            return new TriggerInput("webhook", null, null, null, scheme, null);
        }

        public TriggerInput withInput(JsonNode defaults) {
            return new TriggerInput(type, enabled, defaults, cron, signatureScheme, signingSecret);
        }

        public TriggerInput withEnabled(boolean on) {
            return new TriggerInput(type, on, input, cron, signatureScheme, signingSecret);
        }

        public TriggerInput withSigningSecret(String secret) {
            return new TriggerInput(type, enabled, input, cron, signatureScheme, secret);
        }
    }

    /** One fire of a cron trigger; {@code missed}: earlier instants folded into it. */
    public record Fire(Instant scheduledAt, Instant firedAt, UUID runId, boolean skipped, String reason, int missed) {
    }

    /** One request to a webhook trigger's ingress: its answer's status, why it was refused, its delivery id and run. */
    public record Delivery(Instant receivedAt, int status, String reason, String deliveryId, UUID runId) {
    }

    /** The answer of a webhook delivery: the run it started (or, for a repeated delivery id, started before). */
    public record WebhookAccepted(UUID runId, String deliveryId, boolean replayed) {
    }

    /** An outbound notification of run events to a URL; {@code signingSecret} only in the create response. */
    public record Notification(UUID id, UUID runnerId, String url, List<String> events, String signatureScheme, String signingSecret,
            Instant createdAt) {
    }

    /** {@code signatureScheme}: {@code standard} (Standard Webhooks, the default) or {@code hmac-sha256} (X-Griddle-Signature). */
    public record NotificationInput(String url, List<String> events, String signatureScheme) {

        public NotificationInput(String url, List<String> events) {
            this(url, events, null);
        }
    }

    /** One delivery of a notification and its attempts. */
    public record NotificationDelivery(UUID id, UUID runId, String event, String status, int attempts, Integer responseStatus,
            String lastError, Instant nextAttemptAt, Instant createdAt, Instant deliveredAt) {
    }

    /**
     * An organization-level subscription to events that belong to no runner ({@code session.*},
     * {@code session.failed}, ...); {@code signingSecret} only in the create response.
     */
    public record Subscription(UUID id, String url, List<String> events, String signatureScheme, String signingSecret, Instant createdAt) {
    }

    /** One delivery of a subscription's event. */
    public record SubscriptionDelivery(UUID id, String event, String status, int attempts, Integer responseStatus, String lastError,
            Instant nextAttemptAt, tools.jackson.databind.JsonNode payload, Instant createdAt, Instant deliveredAt) {
    }

    /** The result of {@code POST /api/v1/apply}: what was (or, in a dry run, would be) created, updated, left unchanged. */
    public record ApplyResult(boolean dryRun, List<Applied> created, List<Applied> updated, List<Applied> unchanged, List<Warning> warnings) {
    }

    /**
     * One object of a bundle: {@code kind} integration, mcp_server, tool, skill, agent, runner or
     * trigger ({@code runner} names a trigger's runner); a created webhook trigger carries its
     * secret once; {@code changed} names the fields an update changes (empty otherwise).
     */
    public record Applied(String kind, String name, UUID id, String runner, String ingressUrl, String signingSecret, List<String> changed) {
        public Applied {
            changed = changed == null ? List.of() : List.copyOf(changed);
        }
    }

    public record Warning(String kind, String name, String path, String message) {
    }
}

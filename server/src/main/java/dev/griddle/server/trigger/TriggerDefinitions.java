package dev.griddle.server.trigger;

import dev.griddle.server.web.FieldErrors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Turns trigger requests into rows: checks every field (adding problems under a path prefix, so
 * the API and {@code apply} name fields the same way), fills defaults, and computes the next fire.
 */
@Component
class TriggerDefinitions {

    static final Set<String> TYPES = Set.of(StoredTrigger.CRON, StoredTrigger.WEBHOOK);
    static final Set<String> OVERLAPS = Set.of("allow", "skip");

    /** A new trigger, and for a webhook its generated signing secret in plain text (shown once; null when the caller supplied it). */
    record Created(StoredTrigger trigger, String secret) {
    }

    private final SigningSecrets secrets;
    private final Clock clock;

    TriggerDefinitions(SigningSecrets secrets, Clock clock) {
        this.secrets = secrets;
        this.clock = clock;
    }

    /** The trigger to insert, or null with the problems added to {@code errors}. */
    Created create(UUID orgId, UUID runnerId, TriggerRequest req, String prefix, FieldErrors errors) {
        if (req.type() == null || !TYPES.contains(req.type())) {
            errors.add(prefix + "type", req.type() == null ? "required" : "must be cron or webhook, was '" + req.type() + "'");
            return null;
        }
        checkInput(req, prefix, errors);
        boolean enabled = req.enabled() == null || req.enabled();
        Instant now = clock.instant();
        if (req.type().equals(StoredTrigger.WEBHOOK)) {
            if (req.cron() != null) {
                errors.add(prefix + "cron", "only for cron triggers");
            }
            SignatureScheme scheme = scheme(req.signatureScheme(), prefix, errors);
            String secret = scheme == null ? null : secret(scheme, req.signingSecret(), prefix + "signing_secret", errors);
            if (secret == null) {
                return null;
            }
            return new Created(new StoredTrigger(UUID.randomUUID(), orgId, runnerId, null, StoredTrigger.WEBHOOK, enabled, req.input(),
                    null, null, null, null, null, secrets.seal(secret), null, null, scheme, now, now), req.signingSecret() == null ? secret : null);
        }
        onlyForWebhooks(req, prefix, errors);
        if (req.signingSecret() != null) {
            errors.add(prefix + "signing_secret", "only for webhook triggers");
        }
        if (req.cron() == null) {
            errors.add(prefix + "cron", "required for a cron trigger: {schedule, timezone, overlap}");
            return null;
        }
        String timezone = req.cron().timezone() == null ? "UTC" : req.cron().timezone();
        String overlap = req.cron().overlap() == null ? "allow" : req.cron().overlap();
        CronSchedule schedule = checkCron(req.cron().schedule(), timezone, overlap, prefix, errors);
        if (schedule == null) {
            return null;
        }
        Instant next = enabled ? schedule.next(now) : null;
        return new Created(new StoredTrigger(UUID.randomUUID(), orgId, runnerId, null, StoredTrigger.CRON, enabled, req.input(),
                schedule.expression(), timezone, overlap, next, null, null, null, null, null, now, now), null);
    }

    /** {@code current} with the request's changes, or null with the problems added to {@code errors}. */
    StoredTrigger update(StoredTrigger current, TriggerRequest req, String prefix, FieldErrors errors) {
        if (req.type() != null && !req.type().equals(current.type())) {
            errors.add(prefix + "type", "cannot change from " + current.type() + " to '" + req.type() + "'; delete the trigger and create another");
        }
        checkInput(req, prefix, errors);
        if (req.signingSecret() != null && !holds(current, req.signingSecret())) {
            errors.add(prefix + "signing_secret", "is set at create only; POST /api/v1/triggers/{id}/rotate-secret replaces it");
        }
        boolean enabled = req.enabled() == null ? current.enabled() : req.enabled();
        var input = req.input() == null ? current.input() : req.input().isNull() ? null : req.input();
        Instant now = clock.instant();
        if (!current.cron()) {
            if (req.cron() != null) {
                errors.add(prefix + "cron", "only for cron triggers");
            }
            if (req.signatureScheme() != null && !req.signatureScheme().equals(current.signatureScheme().wire())) {
                errors.add(prefix + "signature_scheme", "cannot change from " + current.signatureScheme().wire()
                        + "; create another trigger with the new scheme and point the sender at it");
            }
            return errors.isEmpty() ? new StoredTrigger(current.id(), current.orgId(), current.runnerId(), current.projectId(), current.type(),
                    enabled, input, null, null, null, null, current.lastFiredAt(), current.signingSecret(), current.previousSecret(),
                    current.previousSecretExpiresAt(), current.signatureScheme(), current.createdAt(), now) : null;
        }
        onlyForWebhooks(req, prefix, errors);
        TriggerRequest.Cron c = req.cron() == null ? new TriggerRequest.Cron(null, null, null) : req.cron();
        String expression = c.schedule() == null ? current.schedule() : c.schedule();
        String timezone = c.timezone() == null ? current.timezone() : c.timezone();
        String overlap = c.overlap() == null ? current.overlap() : c.overlap();
        CronSchedule schedule = checkCron(expression, timezone, overlap, prefix, errors);
        if (schedule == null || !errors.isEmpty()) {
            return null;
        }
        boolean timingChanged = !schedule.expression().equals(current.schedule()) || !timezone.equals(current.timezone());
        Instant next;
        if (!enabled) {
            next = null;
        } else if (timingChanged || !current.enabled() || current.nextFireAt() == null) {
            next = schedule.next(now);
        } else {
            next = current.nextFireAt();
        }
        return new StoredTrigger(current.id(), current.orgId(), current.runnerId(), current.projectId(), current.type(), enabled, input,
                schedule.expression(), timezone, overlap, next, current.lastFiredAt(), null, null, null, null, current.createdAt(), now);
    }

    /**
     * The secret a webhook of {@code scheme} signs with: the caller's, checked, or a generated one;
     * null with the problem added under {@code field}. Stripe and Slack generate their own secret,
     * so for them the caller must supply it.
     */
    String secret(SignatureScheme scheme, String supplied, String field, FieldErrors errors) {
        if (supplied == null) {
            if (scheme.senderGeneratesSecret()) {
                errors.add(field, "required for " + scheme.wire() + ": paste the signing secret the sender shows");
                return null;
            }
            return secrets.generate();
        }
        String problem = SigningSecrets.problem(scheme, supplied);
        if (problem != null) {
            errors.add(field, problem);
            return null;
        }
        return supplied;
    }

    /** Whether {@code secret} is the webhook's current one (an apply bundle that carries it again changes nothing). */
    private boolean holds(StoredTrigger current, String secret) {
        return current.signingSecret() != null && MessageDigest.isEqual(secrets.open(current.signingSecret()).getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8));
    }

    private static SignatureScheme scheme(String wire, String prefix, FieldErrors errors) {
        if (wire == null) {
            return SignatureScheme.DEFAULT;
        }
        SignatureScheme scheme = SignatureScheme.parse(wire).orElse(null);
        if (scheme == null) {
            errors.add(prefix + "signature_scheme", "must be one of " + SignatureScheme.names() + ", was '" + wire + "'");
        }
        return scheme;
    }

    private static void onlyForWebhooks(TriggerRequest req, String prefix, FieldErrors errors) {
        if (req.signatureScheme() != null) {
            errors.add(prefix + "signature_scheme", "only for webhook triggers");
        }
    }

    /** Whether applying {@code desired} to {@code current} would change anything a user set. */
    static boolean sameDefinition(StoredTrigger current, StoredTrigger desired) {
        return current.type().equals(desired.type()) && current.enabled() == desired.enabled()
                && Objects.equals(current.input(), desired.input()) && Objects.equals(current.schedule(), desired.schedule())
                && Objects.equals(current.timezone(), desired.timezone()) && Objects.equals(current.overlap(), desired.overlap());
    }

    private static void checkInput(TriggerRequest req, String prefix, FieldErrors errors) {
        if (req.input() != null && !req.input().isNull() && !req.input().isObject()) {
            errors.add(prefix + "input", "must be an object (the run input the delivered payload is merged over)");
        }
    }

    private static CronSchedule checkCron(String expression, String timezone, String overlap, String prefix, FieldErrors errors) {
        ZoneId zone = null;
        try {
            zone = CronSchedule.zone(timezone);
        } catch (IllegalArgumentException e) {
            errors.add(prefix + "cron.timezone", e.getMessage());
        }
        if (!OVERLAPS.contains(overlap)) {
            errors.add(prefix + "cron.overlap", "must be allow or skip, was '" + overlap + "'");
        }
        if (expression == null || expression.isBlank()) {
            errors.add(prefix + "cron.schedule", "required");
            return null;
        }
        try {
            CronSchedule schedule = CronSchedule.parse(expression, zone == null ? ZoneId.of("UTC") : zone);
            return zone == null ? null : schedule;
        } catch (IllegalArgumentException e) {
            errors.add(prefix + "cron.schedule", e.getMessage());
            return null;
        }
    }
}

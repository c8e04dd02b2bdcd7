package dev.griddle.server.trigger;

import dev.griddle.server.web.FieldErrors;
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

    /** A new trigger, and for a webhook its signing secret in plain text (shown once). */
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
            String secret = secrets.generate();
            return new Created(new StoredTrigger(UUID.randomUUID(), orgId, runnerId, null, StoredTrigger.WEBHOOK, enabled, req.input(),
                    null, null, null, null, null, secrets.seal(secret), null, null, now, now), secret);
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
                schedule.expression(), timezone, overlap, next, null, null, null, null, now, now), null);
    }

    /** {@code current} with the request's changes, or null with the problems added to {@code errors}. */
    StoredTrigger update(StoredTrigger current, TriggerRequest req, String prefix, FieldErrors errors) {
        if (req.type() != null && !req.type().equals(current.type())) {
            errors.add(prefix + "type", "cannot change from " + current.type() + " to '" + req.type() + "'; delete the trigger and create another");
        }
        checkInput(req, prefix, errors);
        boolean enabled = req.enabled() == null ? current.enabled() : req.enabled();
        var input = req.input() == null ? current.input() : req.input().isNull() ? null : req.input();
        Instant now = clock.instant();
        if (!current.cron()) {
            if (req.cron() != null) {
                errors.add(prefix + "cron", "only for cron triggers");
            }
            return errors.isEmpty() ? new StoredTrigger(current.id(), current.orgId(), current.runnerId(), current.projectId(), current.type(),
                    enabled, input, null, null, null, null, current.lastFiredAt(), current.signingSecret(), current.previousSecret(),
                    current.previousSecretExpiresAt(), current.createdAt(), now) : null;
        }
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
                schedule.expression(), timezone, overlap, next, current.lastFiredAt(), null, null, null, current.createdAt(), now);
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

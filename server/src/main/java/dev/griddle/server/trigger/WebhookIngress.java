package dev.griddle.server.trigger;

import dev.griddle.server.Refusal;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStarter;
import dev.griddle.server.engine.Trigger;
import dev.griddle.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A webhook delivery, from raw bytes to a run: verify the signature the trigger's
 * {@link SignatureScheme} defines (and its timestamp), answer handshakes, turn the body into run
 * input over the trigger's defaults, and start the run once per delivery id.
 *
 * <p>An unknown (or deleted, or cron) trigger and a bad signature are the same 401, and cost the
 * same HMAC, so an unsigned caller learns nothing about which trigger ids exist. Only a caller
 * that proved it holds the secret hears that the trigger is disabled (409) or that its timestamp
 * is stale. Failed verifications and verified deliveries are rate-limited apart ({@link HookLimiter}).
 */
@Component
class WebhookIngress {

    /** The answer: the run, and whether it was started by an earlier delivery with the same id. */
    record Accepted(UUID runId, String deliveryId, boolean replayed) {
    }

    /** What {@code /hooks} answers: 202 with {@link Accepted}, or 200 for a handshake. */
    record Answer(HttpStatus status, Object body) {
    }

    static final int MAX_DELIVERY_ID = 200;
    private static final String DUMMY_SECRET = "whsec_unknown-trigger-costs-the-same-hmac";

    private final TriggerStore store;
    private final DeliveryStore deliveries;
    private final SigningSecrets secrets;
    private final HookLimiter limiter;
    private final HookInput inputs;
    private final RunStarter starter;
    private final TransactionTemplate tx;
    private final Clock clock;

    WebhookIngress(TriggerStore store, DeliveryStore deliveries, SigningSecrets secrets, HookLimiter limiter, HookInput inputs,
            RunStarter starter, TransactionTemplate tx, Clock clock) {
        this.store = store;
        this.deliveries = deliveries;
        this.secrets = secrets;
        this.limiter = limiter;
        this.inputs = inputs;
        this.starter = starter;
        this.tx = tx;
        this.clock = clock;
    }

    Answer deliver(String triggerId, HookRequest request, DeliveryLogging.Note note) {
        Optional<UUID> id = parse(triggerId);
        Optional<StoredTrigger> found = id.flatMap(store::findWebhook);
        found.ifPresent(t -> note.triggerId = t.id());
        if (!InboundSchemes.signed(request)) {
            throw refused(id.orElse(HookLimiter.UNKNOWN), note, "The signature header is missing: the request is unsigned");
        }
        StoredTrigger trigger = found.orElse(null);
        InboundSchemes.Verdict verdict = trigger == null
                ? dummy(request) : InboundSchemes.verify(trigger.signatureScheme(), validSecrets(trigger), request, clock.instant());
        if (verdict == InboundSchemes.Verdict.STALE) {
            throw refused(trigger.id(), note, "The signed timestamp is more than " + InboundSchemes.TOLERANCE.toMinutes()
                    + " minutes from the server's clock: a replayed or delayed delivery");
        }
        if (verdict != InboundSchemes.Verdict.VERIFIED) {
            throw refused(id.orElse(HookLimiter.UNKNOWN), note, "The signature does not match this body for this trigger");
        }
        long wait = limiter.verified(trigger.id());
        if (wait > 0) {
            note.triggerId = null;
            throw rateLimited(wait, "deliveries for this trigger");
        }
        try {
            return accept(trigger, request, note);
        } catch (Refusal e) {
            note.reason = e.getMessage();
            throw e;
        }
    }

    private Answer accept(StoredTrigger trigger, HookRequest signed, DeliveryLogging.Note note) {
        if (!trigger.enabled()) {
            throw ApiException.conflict("Trigger " + trigger.id() + " is disabled; enable it to accept deliveries");
        }
        HookRequest request = inputs.parsed(signed);
        String deliveryId = InboundSchemes.deliveryId(trigger.signatureScheme(), request).orElse(null);
        if (deliveryId != null && (deliveryId.isBlank() || deliveryId.length() > MAX_DELIVERY_ID)) {
            throw ApiException.validation("The delivery id must be 1.." + MAX_DELIVERY_ID + " characters");
        }
        note.deliveryId = deliveryId;
        Optional<InboundSchemes.Handshake> handshake = InboundSchemes.handshake(trigger.signatureScheme(), request);
        if (handshake.isPresent()) {
            note.reason = handshake.get().event() + ": answered, no run";
            return new Answer(HttpStatus.OK, handshake.get().challenge() == null ? Map.of("event", handshake.get().event())
                    : Map.of("challenge", handshake.get().challenge()));
        }
        var input = inputs.input(trigger.input(), request);
        Accepted accepted = tx.execute(status -> {
            Instant now = clock.instant();
            if (deliveryId != null && !deliveries.claim(trigger.id(), deliveryId, now)) {
                return new Accepted(deliveries.run(trigger.id(), deliveryId).orElse(null), deliveryId, true);
            }
            RunRow run = starter.start(trigger.orgId(), trigger.runnerId(), new RunStarter.StartRequest(input, null, null),
                    new Trigger(StoredTrigger.WEBHOOK, trigger.id()), ProjectScope.ALL);
            if (deliveryId != null) {
                deliveries.setRun(trigger.id(), deliveryId, run.id());
            }
            return new Accepted(run.id(), deliveryId, false);
        });
        note.runId = accepted.runId();
        note.reason = accepted.replayed() ? "duplicate delivery id: the first delivery's run, no new run" : null;
        return new Answer(HttpStatus.ACCEPTED, accepted);
    }

    /** The current secret and, within its grace period, the one it replaced. */
    private List<String> validSecrets(StoredTrigger trigger) {
        List<String> out = new ArrayList<>(2);
        out.add(secrets.open(trigger.signingSecret()));
        if (trigger.previousSecret() != null && trigger.previousSecretExpiresAt() != null
                && trigger.previousSecretExpiresAt().isAfter(clock.instant())) {
            out.add(secrets.open(trigger.previousSecret()));
        }
        return out;
    }

    /** The HMAC an unknown trigger costs, so its answer takes as long as a bad signature's. */
    private InboundSchemes.Verdict dummy(HookRequest request) {
        InboundSchemes.verify(SignatureScheme.HMAC_SHA256, List.of(DUMMY_SECRET), request, clock.instant());
        return InboundSchemes.Verdict.BAD_SIGNATURE;
    }

    /**
     * A failed verification: 401, or 429 once this trigger id's failures exceed
     * {@code webhook-failures-per-minute} (then not logged, so junk cannot fill the log either).
     */
    private ApiException refused(UUID limiterKey, DeliveryLogging.Note note, String reason) {
        long wait = limiter.failed(limiterKey);
        if (wait > 0) {
            note.triggerId = null;
            return rateLimited(wait, "failed verifications for this trigger id");
        }
        note.reason = reason;
        return new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED", reason, null,
                "Sign each delivery the way the trigger's signature_scheme says (docs/triggers.md), with the secret shown when the trigger "
                        + "was created or its secret rotated (or the one you supplied), and a current timestamp.");
    }

    private static ApiException rateLimited(long seconds, String what) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED", "Too many " + what + "; retry later",
                Map.of("retry_after_seconds", seconds), "Retry after retry_after_seconds; the griddle.triggers.webhook-* settings set the limits.");
    }

    private static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

package dev.griddle.server.trigger;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Audit;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.web.RevealsSecret;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Cron and webhook triggers of a runner, their fire log, and webhook secret rotation. */
@RestController
public class TriggerController {

    /**
     * Body of rotate-secret: how long the old secret stays valid (default
     * {@code griddle.triggers.rotation-grace}), and the sender's new secret when it made one.
     */
    record Rotate(Long gracePeriodSeconds, String signingSecret) {
    }

    private static final long MAX_GRACE_SECONDS = Duration.ofDays(30).toSeconds();

    private final TriggerStore store;
    private final DeliveryStore deliveries;
    private final TriggerDefinitions definitions;
    private final SigningSecrets secrets;
    private final TriggerProperties props;
    private final Clock clock;

    TriggerController(TriggerStore store, DeliveryStore deliveries, TriggerDefinitions definitions, SigningSecrets secrets,
            TriggerProperties props, Clock clock) {
        this.store = store;
        this.deliveries = deliveries;
        this.definitions = definitions;
        this.secrets = secrets;
        this.props = props;
        this.clock = clock;
    }

    @PostMapping("/api/v1/runners/{runnerId}/triggers")
    @Operation(summary = "Create a trigger", description = "{type: cron|webhook, enabled (default true), input (default run input; a webhook's "
            + "payload is merged over it), cron: {schedule (5-field cron or @hourly/@daily/@weekly/@monthly/@yearly), timezone (IANA, default UTC), "
            + "overlap: allow|skip (default allow)}, signature_scheme (webhook: standard (default), github, stripe, slack, hmac-sha256), "
            + "signing_secret (webhook, write-only: the secret the sender generated; required for stripe and slack)}. A webhook's response "
            + "alone carries a generated signing_secret; ingress_url is where to POST.")
    @RevealsSecret
    public ResponseEntity<TriggerView> create(Caller caller, @PathVariable UUID runnerId, @RequestBody TriggerRequest body) {
        runner(caller, runnerId);
        FieldErrors errors = new FieldErrors();
        TriggerDefinitions.Created created = definitions.create(caller.orgId(), runnerId, body, "", errors);
        errors.throwIfAny();
        store.insert(created.trigger());
        StoredTrigger saved = store.find(caller.orgId(), created.trigger().id()).orElseThrow();
        return ResponseEntity.created(URI.create("/api/v1/triggers/" + saved.id())).body(view(saved, created.secret()));
    }

    @Operation(summary = "List a runner's triggers", description = "Cron and webhook triggers, paged.")
    @GetMapping("/api/v1/runners/{runnerId}/triggers")
    public PageQuery.Paged<TriggerView> list(Caller caller, @PathVariable UUID runnerId, PageQuery page) {
        runner(caller, runnerId);
        List<TriggerView> data = store.listForRunner(caller.orgId(), runnerId, page.perPage(), page.offset()).stream().map(t -> view(t, null)).toList();
        return page.result(data, store.countForRunner(caller.orgId(), runnerId));
    }

    /**
     * The next {@code count} fire times of a cron trigger, in its time zone (empty for a webhook):
     * the console shows them beside the trigger.
     */
    public java.util.List<java.time.ZonedDateTime> nextFires(TriggerView trigger, int count) {
        if (trigger.cron() == null) {
            return java.util.List.of();
        }
        CronSchedule schedule = CronSchedule.parse(trigger.cron().schedule(), CronSchedule.zone(trigger.cron().timezone()));
        java.util.List<java.time.ZonedDateTime> fires = new java.util.ArrayList<>();
        java.time.Instant at = clock.instant();
        for (int i = 0; i < Math.min(count, 20); i++) {
            at = schedule.next(at);
            if (at == null) {
                break;
            }
            fires.add(at.atZone(schedule.zone()));
        }
        return fires;
    }

    @Operation(summary = "Get a trigger",
            description = "{type, enabled, input, cron or webhook settings}; a webhook's signing secret is shown only at creation.")
    @GetMapping("/api/v1/triggers/{id}")
    TriggerView get(Caller caller, @PathVariable UUID id) {
        return view(find(caller, id), null);
    }

    @PatchMapping("/api/v1/triggers/{id}")
    @Operation(summary = "Update a trigger", description = "Fields left out keep their value; cron fields merge one by one. Changing the "
            + "schedule or time zone, or enabling, recomputes next_fire_at from now; disabling clears it.")
    TriggerView update(Caller caller, @PathVariable UUID id, @RequestBody TriggerRequest body) {
        StoredTrigger current = find(caller, id);
        FieldErrors errors = new FieldErrors();
        StoredTrigger updated = definitions.update(current, body, "", errors);
        errors.throwIfAny();
        store.update(updated);
        return get(caller, id);
    }

    @Operation(summary = "Delete a trigger", description = "A webhook trigger stops accepting deliveries. 204.")
    @DeleteMapping("/api/v1/triggers/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        find(caller, id);
        store.delete(caller.orgId(), id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/v1/triggers/{id}/rotate-secret")
    @Operation(summary = "Rotate a webhook's signing secret", description = "Returns the trigger with the new signing_secret (shown once). The "
            + "previous secret is still accepted until previous_secret_expires_at: grace_period_seconds from the body, else "
            + "griddle.triggers.rotation-grace (24h). 0 retires it at once. signing_secret (write-only, required for stripe and slack): the "
            + "sender's new secret instead of a generated one; the response then carries none.")
    @RevealsSecret
    TriggerView rotate(Caller caller, @PathVariable UUID id, @RequestBody(required = false) Rotate body) {
        StoredTrigger current = find(caller, id);
        if (current.cron()) {
            throw ApiException.conflict("Trigger " + id + " is a cron trigger; only webhook triggers have a signing secret");
        }
        Duration grace = props.rotationGrace();
        if (body != null && body.gracePeriodSeconds() != null) {
            long seconds = body.gracePeriodSeconds();
            if (seconds < 0 || seconds > MAX_GRACE_SECONDS) {
                throw ApiException.fieldErrors(Map.of("grace_period_seconds", List.of("must be 0.." + MAX_GRACE_SECONDS + ", was " + seconds)));
            }
            grace = Duration.ofSeconds(seconds);
        }
        FieldErrors errors = new FieldErrors();
        String supplied = body == null ? null : body.signingSecret();
        String secret = definitions.secret(current.signatureScheme(), supplied, "signing_secret", errors);
        errors.throwIfAny();
        Instant now = clock.instant();
        store.rotate(caller.orgId(), id, secrets.seal(secret), current.signingSecret(), now.plus(grace), now);
        Audit.record(caller, "trigger.rotate_secret", id);
        return view(store.find(caller.orgId(), id).orElseThrow(), supplied == null ? secret : null);
    }

    @GetMapping("/api/v1/triggers/{id}/deliveries")
    @Operation(summary = "The inbound delivery log of a webhook trigger", description = "Newest first: {received_at, status, reason, "
            + "delivery_id, run_id}, one per request to its ingress_url, accepted or refused (reason: why), never the body. Requests refused "
            + "by the /hooks rate limit are not logged. Kept for griddle.triggers.webhook-dedup-window (7d).")
    PageQuery.Paged<TriggerView.DeliveryView> deliveries(Caller caller, @PathVariable UUID id, PageQuery page) {
        find(caller, id);
        List<TriggerView.DeliveryView> data = deliveries.list(id, page.perPage(), page.offset()).stream().map(TriggerView.DeliveryView::of).toList();
        return page.result(data, deliveries.count(id));
    }

    @GetMapping("/api/v1/triggers/{id}/fires")
    @Operation(summary = "The fire log of a cron trigger", description = "Newest first: {scheduled_at, fired_at, run_id, skipped, reason, missed}. "
            + "skipped: no run was started (reason: previous_run_active under overlap skip, or why the run could not start). missed: how "
            + "many earlier scheduled instants were folded into this fire because no node was running then.")
    PageQuery.Paged<TriggerView.FireView> fires(Caller caller, @PathVariable UUID id, PageQuery page) {
        find(caller, id);
        List<TriggerView.FireView> data = store.fires(id, page.perPage(), page.offset()).stream().map(TriggerView.FireView::of).toList();
        return page.result(data, store.countFires(id));
    }

    private void runner(Caller caller, UUID runnerId) {
        store.runner(caller.orgId(), runnerId).filter(r -> caller.sees(r.projectId())).orElseThrow(() -> ApiException.notFound("runner", runnerId));
    }

    private StoredTrigger find(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).filter(t -> caller.sees(t.projectId())).orElseThrow(() -> ApiException.notFound("trigger", id));
    }

    private TriggerView view(StoredTrigger t, String secret) {
        return TriggerView.of(t, baseUrl(), secret, clock.instant());
    }

    static String baseUrl() {
        return ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
    }
}

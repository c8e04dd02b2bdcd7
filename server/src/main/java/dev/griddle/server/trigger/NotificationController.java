package dev.griddle.server.trigger;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.web.RevealsSecret;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Outbound notifications of a runner's run events, and their delivery log. */
@RestController
class NotificationController {

    static final Set<String> EVENTS = Set.of("run_succeeded", "run_failed", "run_cancelled", "approval_requested");

    /** {@code signature_scheme}: {@code standard} (default) or {@code hmac-sha256} (the original X-Griddle-Signature). */
    record NotificationRequest(String url, List<String> events, String signatureScheme) {
    }

    /** {@code signing_secret} only in the create response. */
    record NotificationView(UUID id, UUID runnerId, String url, List<String> events, String signatureScheme,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String signingSecret,
            Instant createdAt) {
        static NotificationView of(NotificationStore.Notification n, String secret) {
            return new NotificationView(n.id(), n.runnerId(), n.url(), n.events(), n.signatureScheme().wire(), secret, n.createdAt());
        }
    }

    record DeliveryView(UUID id, UUID runId, String event, String status, int attempts, Integer responseStatus, String lastError,
            Instant nextAttemptAt, JsonNode payload, Instant createdAt, Instant deliveredAt) {
    }

    private final NotificationStore store;
    private final TriggerStore triggers;
    private final SigningSecrets secrets;
    private final JsonMapper json;
    private final Clock clock;

    NotificationController(NotificationStore store, TriggerStore triggers, SigningSecrets secrets, JsonMapper json, Clock clock) {
        this.store = store;
        this.triggers = triggers;
        this.secrets = secrets;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping("/api/v1/runners/{runnerId}/notifications")
    @Operation(summary = "Notify a URL of run events", description = "{url (http/https), events: [run_succeeded, run_failed, run_cancelled, "
            + "approval_requested]}. Each event POSTs {event, run_id, runner_id, step_id, status, data, occurred_at} with headers "
            + "X-Griddle-Event, X-Griddle-Delivery (the delivery id; retries keep it) and, by signature_scheme: standard (default; "
            + "Standard Webhooks: webhook-id = the delivery id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of "
            + "id.timestamp.body keyed by the base64 after whsec_>) or hmac-sha256 (X-Griddle-Signature: sha256=<hex HMAC-SHA256("
            + "signing_secret, body)>). Non-2xx answers are retried with exponential backoff. Only events after creation are sent. "
            + "signing_secret is in this response only.")
    @RevealsSecret
    ResponseEntity<NotificationView> create(Caller caller, @PathVariable UUID runnerId, @RequestBody NotificationRequest body) {
        runner(caller, runnerId);
        FieldErrors errors = new FieldErrors();
        checkUrl(errors, body.url());
        if (body.events() == null || body.events().isEmpty()) {
            errors.add("events", "required: one or more of " + EVENTS);
        } else {
            body.events().stream().filter(e -> !EVENTS.contains(e)).forEach(e -> errors.add("events", "unknown event '" + e + "'; use " + EVENTS));
        }
        SignatureScheme scheme = scheme(errors, body.signatureScheme());
        errors.throwIfAny();
        String secret = secrets.generate();
        NotificationStore.Notification n = new NotificationStore.Notification(UUID.randomUUID(), caller.orgId(), runnerId, null, body.url(),
                body.events().stream().distinct().toList(), secrets.seal(secret), scheme, clock.instant());
        store.insert(n);
        return ResponseEntity.created(URI.create("/api/v1/notifications/" + n.id()))
                .body(NotificationView.of(store.find(caller.orgId(), n.id()).orElseThrow(), secret));
    }

    @Operation(summary = "List a runner's notifications", description = "The URLs notified of the runner's run events.")
    @GetMapping("/api/v1/runners/{runnerId}/notifications")
    PageQuery.Paged<NotificationView> list(Caller caller, @PathVariable UUID runnerId, PageQuery page) {
        runner(caller, runnerId);
        return page.result(store.list(caller.orgId(), runnerId, page.perPage(), page.offset()).stream().map(n -> NotificationView.of(n, null))
                .toList(), store.count(caller.orgId(), runnerId));
    }

    @Operation(summary = "Get a notification",
            description = "{id, runner_id, url, events, created_at}; the signing secret is shown only at creation.")
    @GetMapping("/api/v1/notifications/{id}")
    NotificationView get(Caller caller, @PathVariable UUID id) {
        return NotificationView.of(find(caller, id), null);
    }

    @Operation(summary = "Delete a notification", description = "No more deliveries to its URL. 204.")
    @DeleteMapping("/api/v1/notifications/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        find(caller, id);
        store.delete(caller.orgId(), id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/notifications/{id}/deliveries")
    @Operation(summary = "Delivery log", description = "Newest first: {id, run_id, event, status: pending|delivered|failed, attempts, "
            + "response_status, last_error, next_attempt_at, payload, created_at, delivered_at}.")
    PageQuery.Paged<DeliveryView> deliveries(Caller caller, @PathVariable UUID id, PageQuery page) {
        find(caller, id);
        List<DeliveryView> data = store.deliveries(id, page.perPage(), page.offset()).stream().map(d -> new DeliveryView(d.id(), d.runId(),
                d.event(), d.status(), d.attempts(), d.responseStatus(), d.lastError(), d.nextAttemptAt(), json.readTree(d.payload()),
                d.createdAt(), d.deliveredAt())).toList();
        return page.result(data, store.countDeliveries(id));
    }

    /** A notification URL: required, absolute http or https. */
    static void checkUrl(FieldErrors errors, String url) {
        errors.required("url", url);
        if (url != null && !url.isBlank()) {
            try {
                URI uri = URI.create(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    errors.add("url", "must be an absolute http or https URL, was '" + url + "'");
                }
            } catch (IllegalArgumentException e) {
                errors.add("url", "must be an absolute http or https URL, was '" + url + "'");
            }
        }
    }

    /** {@code standard} when absent; null (and a field error) when neither {@code standard} nor {@code hmac-sha256}. */
    static SignatureScheme scheme(FieldErrors errors, String wire) {
        SignatureScheme scheme = wire == null ? SignatureScheme.STANDARD
                : SignatureScheme.parse(wire).filter(s -> s == SignatureScheme.STANDARD || s == SignatureScheme.HMAC_SHA256).orElse(null);
        if (scheme == null) {
            errors.add("signature_scheme", "must be standard or hmac-sha256, was '" + wire + "'");
        }
        return scheme;
    }

    private void runner(Caller caller, UUID runnerId) {
        triggers.runner(caller.orgId(), runnerId).filter(r -> caller.sees(r.projectId()))
                .orElseThrow(() -> ApiException.notFound("runner", runnerId));
    }

    private NotificationStore.Notification find(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).filter(n -> caller.sees(n.projectId())).orElseThrow(() -> ApiException.notFound("notification", id));
    }
}

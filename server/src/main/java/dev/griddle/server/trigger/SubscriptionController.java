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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Organization-level notification subscriptions: events that belong to no runner ({@code session.*}),
 * signed and retried like runner notifications. They cover the whole organization, so only a key
 * for all its projects creates them (403) or sees them: to a key limited to projects the list is
 * empty and an id is unknown (404), as for a resource of a project it does not list.
 */
@RestController
class SubscriptionController {

    /** The events a subscription may name; a filter is one of them or {@code session.*}. */
    static final Set<String> EVENTS = Set.of("session.created", "session.starting", "session.running", "session.idle", "session.terminated",
            "session.failed");
    static final Set<String> WILDCARDS = Set.of("session.*");

    record SubscriptionRequest(String url, List<String> events, String signatureScheme) {
    }

    /** {@code signing_secret} only in the create response. */
    record SubscriptionView(UUID id, String url, List<String> events, String signatureScheme,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String signingSecret,
            Instant createdAt) {
        static SubscriptionView of(SubscriptionStore.Subscription s, String secret) {
            return new SubscriptionView(s.id(), s.url(), s.events(), s.signatureScheme().wire(), secret, s.createdAt());
        }
    }

    record SubscriptionDeliveryView(UUID id, String event, String status, int attempts, Integer responseStatus, String lastError,
            Instant nextAttemptAt, JsonNode payload, Instant createdAt, Instant deliveredAt) {
    }

    private final SubscriptionStore store;
    private final SubscriptionProperties props;
    private final SigningSecrets secrets;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    SubscriptionController(SubscriptionStore store, SubscriptionProperties props, SigningSecrets secrets, TransactionTemplate tx, JsonMapper json,
            Clock clock) {
        this.store = store;
        this.props = props;
        this.secrets = secrets;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping("/api/v1/notifications/subscriptions")
    @Operation(summary = "Subscribe a URL to organization events", description = "{url (http/https), events: [session.* | session.created | "
            + "session.starting | session.running | session.idle | session.terminated | session.failed], signature_scheme?: standard "
            + "(default) | hmac-sha256}. Each matching event POSTs {event, session_id, status, template, project_id, worker_id, run_id, "
            + "step_id, exit_code, reason, occurred_at}, signed and retried like runner notifications (X-Griddle-Event, X-Griddle-Delivery; "
            + "Standard Webhooks webhook-id, webhook-timestamp, webhook-signature, or X-Griddle-Signature). At most "
            + "griddle.subscriptions.max-per-org per organization (409 past it). signing_secret is in this response only. Needs a key "
            + "for all projects (403); to a key limited to projects the list is empty and an id unknown (404).")
    @RevealsSecret
    ResponseEntity<SubscriptionView> create(Caller caller, @RequestBody SubscriptionRequest body) {
        caller.requireAllProjects("manage notification subscriptions");
        FieldErrors errors = new FieldErrors();
        NotificationController.checkUrl(errors, body.url());
        if (body.events() == null || body.events().isEmpty()) {
            errors.add("events", "required: one or more of " + WILDCARDS + " or " + EVENTS.stream().sorted().toList());
        } else {
            body.events().stream().filter(e -> e == null || !(EVENTS.contains(e) || WILDCARDS.contains(e)))
                    .forEach(e -> errors.add("events", "unknown event '" + e + "'; use " + WILDCARDS + " or " + EVENTS.stream().sorted().toList()));
        }
        SignatureScheme scheme = NotificationController.scheme(errors, body.signatureScheme());
        errors.throwIfAny();
        String secret = secrets.generate();
        SubscriptionStore.Subscription s = new SubscriptionStore.Subscription(UUID.randomUUID(), caller.orgId(), body.url(),
                body.events().stream().distinct().toList(), secrets.seal(secret), scheme, clock.instant());
        tx.executeWithoutResult(status -> {
            store.lockOrg(caller.orgId());
            long count = store.count(caller.orgId());
            if (count >= props.maxPerOrg()) {
                throw new ApiException(HttpStatus.CONFLICT, "TOO_MANY_SUBSCRIPTIONS", "The organization has " + count
                        + " notification subscriptions, its limit (griddle.subscriptions.max-per-org)", Map.of("subscriptions", count, "limit",
                        props.maxPerOrg()), "Delete a subscription, or raise GRIDDLE_SUBSCRIPTIONS_MAX_PER_ORG.");
            }
            store.insert(s);
        });
        return ResponseEntity.created(URI.create("/api/v1/notifications/subscriptions/" + s.id()))
                .body(SubscriptionView.of(store.find(caller.orgId(), s.id()).orElseThrow(), secret));
    }

    @Operation(summary = "List notification subscriptions", description = "The organization's subscriptions, oldest first; no secrets.")
    @GetMapping("/api/v1/notifications/subscriptions")
    PageQuery.Paged<SubscriptionView> list(Caller caller, PageQuery page) {
        if (!caller.allProjects()) {
            return page.result(List.of(), 0);
        }
        return page.result(store.list(caller.orgId(), page.perPage(), page.offset()).stream().map(s -> SubscriptionView.of(s, null)).toList(),
                store.count(caller.orgId()));
    }

    @Operation(summary = "Get a notification subscription", description = "{id, url, events, signature_scheme, created_at}; the signing "
            + "secret is shown only at creation.")
    @GetMapping("/api/v1/notifications/subscriptions/{id}")
    SubscriptionView get(Caller caller, @PathVariable UUID id) {
        return SubscriptionView.of(find(caller, id), null);
    }

    @Operation(summary = "Delete a notification subscription", description = "No more deliveries to its URL; its delivery log goes too. 204.")
    @DeleteMapping("/api/v1/notifications/subscriptions/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        find(caller, id);
        store.delete(caller.orgId(), id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/notifications/subscriptions/{id}/deliveries")
    @Operation(summary = "Subscription delivery log", description = "Newest first: {id, event, status: pending|delivered|failed, attempts, "
            + "response_status, last_error, next_attempt_at, payload, created_at, delivered_at}; settled deliveries are kept for "
            + "griddle.subscriptions.retention.")
    PageQuery.Paged<SubscriptionDeliveryView> deliveries(Caller caller, @PathVariable UUID id, PageQuery page) {
        find(caller, id);
        List<SubscriptionDeliveryView> data = store.deliveries(id, page.perPage(), page.offset()).stream().map(d -> new SubscriptionDeliveryView(
                d.id(), d.event(), d.status(), d.attempts(), d.responseStatus(), d.lastError(), d.nextAttemptAt(), json.readTree(d.payload()),
                d.createdAt(), d.deliveredAt())).toList();
        return page.result(data, store.countDeliveries(id));
    }

    private SubscriptionStore.Subscription find(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).filter(s -> caller.allProjects()).orElseThrow(() -> ApiException.notFound("notification subscription", id));
    }
}

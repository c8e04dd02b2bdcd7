package dev.griddle.server.trigger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Events of an organization that belong to no runner ({@code session.*}), for its notification
 * subscriptions. {@link #publish} writes the deliveries in the caller's transaction: the event and
 * its deliveries commit, or neither does.
 */
@Component
public class OrgEvents {

    private static final Logger log = LoggerFactory.getLogger(OrgEvents.class);

    private final SubscriptionStore store;
    private final JsonMapper json;
    private final Counter dropped;

    OrgEvents(SubscriptionStore store, JsonMapper json, MeterRegistry meters) {
        this.store = store;
        this.json = json;
        this.dropped = Counter.builder("griddle_subscription_deliveries_dropped").description(
                "Events not queued for an organization's subscriptions because its outbox was full (griddle.subscriptions.max-pending-per-org)")
                .register(meters);
    }

    /**
     * Queues {@code event} (say {@code session.failed}) for the organization's matching
     * subscriptions. The payload is {@code data} with {@code event} and {@code occurred_at} added.
     * Call it inside the transaction that makes the event.
     */
    public void publish(UUID orgId, String event, ObjectNode data, Instant now) {
        ObjectNode payload = data.deepCopy();
        payload.put("event", event).put("occurred_at", now.toString());
        if (store.enqueue(orgId, event, json.writeValueAsString(payload), now) < 0) {
            dropped.increment();
            log.warn("Organization {}'s subscription outbox is full (griddle.subscriptions.max-pending-per-org): {} not queued", orgId, event);
        }
    }
}

package dev.griddle.server.trigger;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code griddle.subscriptions.*}: organization-level notification subscriptions (docs/sessions.md).
 * Delivery itself (attempts, backoff, timeouts, concurrency, circuits) follows
 * {@code griddle.triggers.notification-*}.
 *
 * @param maxPerOrg subscriptions one organization may have ({@code 409} past it)
 * @param maxPendingPerOrg undelivered deliveries one organization's outbox may hold; an event past it
 *     is not queued for that organization (a WARN in the log and the
 *     {@code griddle_subscription_deliveries_dropped_total} counter say so), so an endpoint that is
 *     down cannot grow the table without end
 * @param retention how long a delivered or failed delivery stays in the delivery log
 */
@ConfigurationProperties("griddle.subscriptions")
record SubscriptionProperties(
        @DefaultValue("20") int maxPerOrg,
        @DefaultValue("10000") int maxPendingPerOrg,
        @DefaultValue("7d") Duration retention) {

    SubscriptionProperties {
        if (maxPerOrg < 1 || maxPerOrg > 1000) {
            throw new IllegalArgumentException("griddle.subscriptions.max-per-org must be 1..1000, was " + maxPerOrg);
        }
        if (maxPendingPerOrg < 1 || maxPendingPerOrg > 10_000_000) {
            throw new IllegalArgumentException("griddle.subscriptions.max-pending-per-org must be 1..10000000, was " + maxPendingPerOrg);
        }
        if (retention.toMinutes() < 1 || retention.toDays() > 365) {
            throw new IllegalArgumentException("griddle.subscriptions.retention must be between 1m and 365d, was " + retention);
        }
    }
}

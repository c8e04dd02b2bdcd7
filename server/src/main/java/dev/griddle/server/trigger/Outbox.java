package dev.griddle.server.trigger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A table of outbound deliveries that {@link NotificationSender} works through: the runner
 * notifications ({@link NotificationStore}) and the organization-level subscriptions
 * ({@link SubscriptionStore}). Each claim is a lease under a fresh token, and every outcome is
 * written only under that token (see {@link NotificationStore#claim}).
 */
interface Outbox {

    /** Housekeeping before a pass's claims: turns new events into deliveries, or drops settled ones past their retention. */
    void scan(Instant now);

    List<NotificationStore.Due> claim(int limit, int perOrg, Map<UUID, Integer> busy, Duration lease);

    boolean delivered(NotificationStore.Due d, int status, Instant now);

    boolean attemptFailed(NotificationStore.Due d, Integer status, String error, Instant retryAt);

    boolean postponed(NotificationStore.Due d, Instant until, String reason);

    boolean released(NotificationStore.Due d);
}

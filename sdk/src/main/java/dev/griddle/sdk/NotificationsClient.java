package dev.griddle.sdk;

import dev.griddle.sdk.TriggerModels.Notification;
import dev.griddle.sdk.TriggerModels.NotificationDelivery;
import dev.griddle.sdk.TriggerModels.NotificationInput;
import dev.griddle.sdk.TriggerModels.Subscription;
import dev.griddle.sdk.TriggerModels.SubscriptionDelivery;
import java.util.Map;
import java.util.UUID;

/**
 * Outbound notifications of a runner's run events ({@code run_succeeded, run_failed, run_cancelled,
 * approval_requested}), the organization's subscriptions to events of no runner ({@code session.*}),
 * and their delivery logs.
 */
public final class NotificationsClient {

    private final Transport http;

    NotificationsClient(Transport http) {
        this.http = http;
    }

    public Notification create(UUID runnerId, NotificationInput notification) {
        return http.call("POST", "/api/v1/runners/" + runnerId + "/notifications", notification, Notification.class);
    }

    public Page<Notification> list(UUID runnerId, PageRequest page) {
        return http.page("/api/v1/runners/" + runnerId + "/notifications?" + page.query(), Notification.class);
    }

    public Notification get(UUID id) {
        return http.call("GET", "/api/v1/notifications/" + id, null, Notification.class);
    }

    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/notifications/" + id, null, Map.of());
    }

    /** Deliveries, newest first. */
    public Page<NotificationDelivery> deliveries(UUID id, PageRequest page) {
        return http.page("/api/v1/notifications/" + id + "/deliveries?" + page.query(), NotificationDelivery.class);
    }

    /** Subscribes a URL to organization events ({@code session.*} or single {@code session.<status>} events); the secret is in this answer only. */
    public Subscription subscribe(NotificationInput subscription) {
        return http.call("POST", "/api/v1/notifications/subscriptions", subscription, Subscription.class);
    }

    public Page<Subscription> subscriptions(PageRequest page) {
        return http.page("/api/v1/notifications/subscriptions?" + page.query(), Subscription.class);
    }

    public Subscription subscription(UUID id) {
        return http.call("GET", "/api/v1/notifications/subscriptions/" + id, null, Subscription.class);
    }

    public void unsubscribe(UUID id) {
        http.send("DELETE", "/api/v1/notifications/subscriptions/" + id, null, Map.of());
    }

    /** A subscription's deliveries, newest first. */
    public Page<SubscriptionDelivery> subscriptionDeliveries(UUID id, PageRequest page) {
        return http.page("/api/v1/notifications/subscriptions/" + id + "/deliveries?" + page.query(), SubscriptionDelivery.class);
    }
}

package dev.griddle.sdk;

import dev.griddle.sdk.TriggerModels.Notification;
import dev.griddle.sdk.TriggerModels.NotificationDelivery;
import dev.griddle.sdk.TriggerModels.NotificationInput;
import java.util.Map;
import java.util.UUID;

/** Outbound notifications of run events ({@code run_succeeded, run_failed, run_cancelled, approval_requested}) and their delivery log. */
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
}

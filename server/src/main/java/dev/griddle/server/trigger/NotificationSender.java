package dev.griddle.server.trigger;

import dev.griddle.server.lifecycle.BackgroundLoop;
import dev.griddle.server.outbound.OutboundGuard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Delivers outbound notifications (one virtual thread per node): scans new run events into
 * delivery rows, then claims due deliveries and POSTs them, signed like inbound webhooks
 * ({@code X-Griddle-Signature}, {@code X-Griddle-Delivery}, {@code X-Griddle-Event}). A non-2xx
 * answer or an I/O error is retried with exponential backoff up to
 * {@code griddle.triggers.notification-max-attempts}; the outcome of each attempt is in the log.
 */
@Component
class NotificationSender extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(NotificationSender.class);
    private static final int BATCH = 20;
    private static final int MAX_ERROR = 500;

    private final NotificationStore store;
    private final SigningSecrets secrets;
    private final TriggerProperties props;
    private final Clock clock;
    private final HttpClient http;
    private final OutboundGuard guard;

    NotificationSender(NotificationStore store, SigningSecrets secrets, TriggerProperties props, Clock clock, OutboundGuard guard) {
        super("notification-sender");
        this.guard = guard;
        this.store = store;
        this.secrets = secrets;
        this.props = props;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(props.notificationTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    protected boolean enabled() {
        return props.notificationsEnabled();
    }

    @Override
    protected Duration errorBackoff() {
        return props.notificationPollInterval();
    }

    @Override
    protected Duration pass() {
        store.scan(clock.instant());
        int sent;
        do {
            sent = sendDue();
        } while (sent == BATCH && running());
        return props.notificationPollInterval();
    }

    private int sendDue() {
        Instant now = clock.instant();
        List<NotificationStore.Due> due = store.claim(now, now.plus(props.notificationTimeout().multipliedBy(2)), BATCH);
        for (NotificationStore.Due d : due) {
            try {
                send(d);
            } catch (Throwable e) {
                // one delivery that breaks (even with an Error) must not hold up the others; its claim expires and it is retried
                log.error("Notification delivery {} to {} failed in the sender", d.id(), d.url(), e);
            }
        }
        return due.size();
    }

    private void send(NotificationStore.Due d) {
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        Integer status = null;
        String error;
        try {
            guard.check(URI.create(d.url()));
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(d.url())).timeout(props.notificationTimeout())
                    .header("Content-Type", "application/json").header("User-Agent", "Griddle-Notifications")
                    .header("X-Griddle-Event", d.event()).header("X-Griddle-Delivery", d.id().toString());
            sign(builder, d, body);
            HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
            if (status >= 200 && status < 300) {
                store.delivered(d.id(), status, clock.instant());
                return;
            }
            error = "HTTP " + status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted (shutting down)";
        } catch (java.io.IOException | IllegalArgumentException | dev.griddle.server.outbound.OutboundGuard.Refused e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        int attempts = d.attempts() + 1;
        Instant retryAt = attempts >= props.notificationMaxAttempts() ? null
                : clock.instant().plus(props.notificationInitialBackoff().multipliedBy(1L << Math.min(attempts - 1, 20)));
        String message = error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        store.attemptFailed(d.id(), status, message, retryAt);
        log.warn("Notification delivery {} ({}) to {} failed on attempt {}: {}; {}", d.id(), d.event(), d.url(), attempts, message,
                retryAt == null ? "giving up" : "retrying at " + retryAt);
    }

    /**
     * {@code standard}: Standard Webhooks headers ({@code webhook-id} = the delivery id, the same on
     * every retry; {@code webhook-timestamp} = now); {@code hmac-sha256}: {@code X-Griddle-Signature}.
     */
    private void sign(HttpRequest.Builder builder, NotificationStore.Due d, byte[] body) {
        String secret = secrets.open(d.signingSecret());
        if (d.signatureScheme() == SignatureScheme.STANDARD) {
            String id = d.id().toString();
            String timestamp = Long.toString(clock.instant().getEpochSecond());
            builder.header("webhook-id", id).header("webhook-timestamp", timestamp)
                    .header("webhook-signature", SigningSecrets.signStandard(secret, id, timestamp, body));
        } else {
            builder.header("X-Griddle-Signature", SigningSecrets.sign(secret, body));
        }
    }
}

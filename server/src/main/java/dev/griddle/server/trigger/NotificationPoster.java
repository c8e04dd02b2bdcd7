package dev.griddle.server.trigger;

import dev.griddle.server.outbound.OutboundGuard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One signed POST of a claimed delivery, cut off at {@code griddle.triggers.notification-timeout}
 * however the endpoint behaves (slow to accept, to answer, or trickling its body), with connecting
 * held to {@code notification-connect-timeout}. The hard cut-off is what lets a claim's lease
 * bound the attempt, so two nodes never send one delivery at the same time.
 */
final class NotificationPoster {

    /** What one attempt came to. */
    sealed interface Attempt {
        /** A {@code 2xx} answer. */
        record Delivered(int status) implements Attempt {
        }

        /**
         * No {@code 2xx}: {@code endpointFault} when the endpoint is down or overwhelmed (no answer,
         * a connection error, {@code 5xx}, {@code 429}), which counts against its circuit.
         */
        record Failed(Integer status, String error, boolean endpointFault) implements Attempt {
        }

        /** Cut short by this node stopping: the delivery goes back unattempted. */
        record Abandoned() implements Attempt {
        }
    }

    private final SigningSecrets secrets;
    private final OutboundGuard guard;
    private final Clock clock;
    private final Duration timeout;
    private final HttpClient http;
    private final Set<CompletableFuture<?>> calls = ConcurrentHashMap.newKeySet();

    NotificationPoster(SigningSecrets secrets, OutboundGuard guard, TriggerProperties props, Clock clock) {
        this.secrets = secrets;
        this.guard = guard;
        this.clock = clock;
        this.timeout = props.notificationTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(props.notificationConnectTimeout()).followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    Duration timeout() {
        return timeout;
    }

    /** POSTs {@code d} to {@code url} (already vetted by the outbound guard) and waits at most the timeout. */
    Attempt post(NotificationStore.Due d, URI url) {
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json").header("User-Agent", "Griddle-Notifications")
                .header("X-Griddle-Event", d.event()).header("X-Griddle-Delivery", d.id().toString());
        sign(builder, d, body);
        CompletableFuture<HttpResponse<Void>> call = http.sendAsync(builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding());
        calls.add(call);
        try {
            int status = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS).statusCode();
            if (status >= 200 && status < 300) {
                return new Attempt.Delivered(status);
            }
            return new Attempt.Failed(status, "HTTP " + status, status >= 500 || status == 429);
        } catch (TimeoutException e) {
            call.cancel(true);
            return new Attempt.Failed(null, "no complete answer within " + timeout, true);
        } catch (ExecutionException e) {
            // IOExceptions mostly: refused, reset, connect timed out; or the JVM-wide resolver refusing the address it got
            String refused = guard.refusalOf(url.getHost());
            if (refused != null) {
                return new Attempt.Failed(null, refused, false);
            }
            return new Attempt.Failed(null, describe(e.getCause() == null ? e : e.getCause()), true);
        } catch (CancellationException e) {
            return new Attempt.Abandoned();
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return new Attempt.Abandoned();
        } finally {
            calls.remove(call);
        }
    }

    /** The exception's type and the first message along its causes ({@code ConnectException} has none of its own). */
    static String describe(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null && message == null; t = t.getCause()) {
            message = t.getMessage();
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Cuts off every attempt in flight (this node is stopping); each ends {@link Attempt.Abandoned}. */
    void abandonAll() {
        calls.forEach(call -> call.cancel(true));
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

package dev.griddle.server.trigger;

import dev.griddle.server.lifecycle.BackgroundLoop;
import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.trigger.NotificationPoster.Attempt;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Delivers outbound notifications, from each {@link Outbox} (runner notifications, organization
 * subscriptions): each pass scans new run events into delivery rows, then claims
 * as many due deliveries as this node has free send slots ({@link SendSlots}: a node-wide and a
 * per-organization cap) and sends each on a virtual thread of its own, signed by the
 * subscription's scheme ({@link NotificationPoster}). So one tenant's hanging endpoint holds only
 * its own slots, and its circuit ({@link EndpointCircuits}) stops attempts to it after repeated
 * failures. A failed attempt is retried with exponential backoff up to
 * {@code griddle.triggers.notification-max-attempts}; the outcome of each attempt is in the log.
 *
 * <p>Never two nodes at once: a claim is a lease of {@link TriggerProperties#notificationLease()};
 * an attempt starts only while a whole {@code notification-timeout} (and a second) of it remains,
 * measured on this node's monotonic clock from before the claim, and is cut off at the timeout,
 * so it ends before another node can claim the delivery. Outcomes are written under the claim's
 * token, so a node that lost its claim (stalled past its lease) cannot overwrite the next one's.
 * At least once: a crashed node's claims come back when their leases end.
 */
@Component
class NotificationSender extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(NotificationSender.class);
    private static final Duration START_MARGIN = Duration.ofSeconds(1);
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private static final int MAX_ERROR = 500;

    private final List<Outbox> outboxes;
    private final TriggerProperties props;
    private final Clock clock;
    private final OutboundGuard guard;
    private final SendSlots slots;
    private final EndpointCircuits circuits;
    private final NotificationPoster poster;
    private volatile boolean stopping;

    NotificationSender(NotificationStore store, SubscriptionStore subscriptions, SigningSecrets secrets, TriggerProperties props, Clock clock,
            OutboundGuard guard, MeterRegistry meters) {
        super("notification-sender");
        this.outboxes = List.of(store, subscriptions);
        this.props = props;
        this.clock = clock;
        this.guard = guard;
        this.slots = new SendSlots(props.notificationConcurrency(), props.notificationPerOrgConcurrency());
        this.circuits = new EndpointCircuits(props, clock, meters);
        this.poster = new NotificationPoster(secrets, guard, props, clock);
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
    public void start() {
        stopping = false;
        super.start();
    }

    /** Stops claiming, cuts off the attempts in flight (their deliveries go back unattempted) and waits briefly for them. */
    @Override
    public void stop() {
        stopping = true;
        super.stop();
        poster.abandonAll();
        try {
            if (!slots.awaitIdle(DRAIN)) {
                log.warn("Notification attempts still in flight after {}; their claims come back when their leases end", DRAIN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Scans, then claims and starts deliveries as slots free up until the poll interval is over or
     * nothing more is due within the caps.
     */
    @Override
    protected Duration pass() throws InterruptedException {
        outboxes.forEach(o -> o.scan(clock.instant()));
        long end = System.nanoTime() + props.notificationPollInterval().toNanos();
        while (running()) {
            int free = slots.free();
            if (free > 0 && claimAndStart(free) < free) {
                break;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return Duration.ZERO;
            }
            slots.awaitRelease(Duration.ofNanos(left));
        }
        return Duration.ofNanos(Math.max(0, end - System.nanoTime()));
    }

    /** Claims from each outbox in turn while slots are free; how many were claimed in all. */
    private int claimAndStart(int free) {
        int claimed = 0;
        for (Outbox store : outboxes) {
            if (claimed < free) {
                claimed += claimAndStart(store, free - claimed);
            }
        }
        return claimed;
    }

    private int claimAndStart(Outbox store, int free) {
        long claimedAt = System.nanoTime(); // before the claim: the lease, on the database's clock, starts later
        List<NotificationStore.Due> due = store.claim(free, slots.perOrg(), slots.busy(), props.notificationLease());
        for (NotificationStore.Due d : due) {
            slots.take(d.orgId());
            Thread.ofVirtual().name("notification-send").start(() -> {
                try {
                    attempt(store, d, claimedAt);
                } catch (Throwable e) {
                    // one delivery that breaks (even with an Error) must not hold up the others; its claim expires and it is retried
                    log.error("Notification delivery {} to {} failed in the sender", d.id(), d.url(), e);
                } finally {
                    slots.release(d.orgId());
                }
            });
        }
        return due.size();
    }

    private void attempt(Outbox store, NotificationStore.Due d, long claimedAt) {
        URI url;
        try {
            url = URI.create(d.url());
            guard.check(url);
        } catch (IllegalArgumentException | OutboundGuard.Refused e) {
            failed(store, d, new Attempt.Failed(null, NotificationPoster.describe(e), false));
            return;
        }
        CircuitBreaker circuit = circuits.of(d.orgId(), url);
        if (!circuit.tryAcquirePermission()) {
            Instant next = clock.instant().plus(circuits.cooldown());
            recorded(d, store.postponed(d, next, circuits.refusal(circuit, url, next)), "postponed");
            return;
        }
        Duration leaseLeft = props.notificationLease().minusNanos(System.nanoTime() - claimedAt);
        if (stopping || leaseLeft.compareTo(poster.timeout().plus(START_MARGIN)) < 0) {
            circuit.releasePermission();
            handBack(store, d, stopping ? "stopping" : "only " + leaseLeft + " of its lease left");
            return;
        }
        long started = System.nanoTime();
        Attempt attempt = poster.post(d, url);
        long took = System.nanoTime() - started;
        switch (attempt) {
            case Attempt.Delivered ok -> {
                circuit.onSuccess(took, TimeUnit.NANOSECONDS);
                recorded(d, store.delivered(d, ok.status(), clock.instant()), "delivered (" + ok.status() + ")");
            }
            case Attempt.Failed failed -> {
                if (failed.endpointFault()) {
                    circuit.onError(took, TimeUnit.NANOSECONDS, new EndpointFault(failed.error()));
                } else {
                    circuit.onSuccess(took, TimeUnit.NANOSECONDS); // it answered: not down, though the delivery failed
                }
                failed(store, d, failed);
            }
            case Attempt.Abandoned abandoned -> {
                circuit.releasePermission();
                handBack(store, d, "stopping");
            }
        }
    }

    private void failed(Outbox store, NotificationStore.Due d, Attempt.Failed failed) {
        int attempts = d.attempts() + 1;
        Instant retryAt = attempts >= props.notificationMaxAttempts() ? null
                : clock.instant().plus(props.notificationInitialBackoff().multipliedBy(1L << Math.min(attempts - 1, 20)));
        String error = failed.error().length() > MAX_ERROR ? failed.error().substring(0, MAX_ERROR) : failed.error();
        if (recorded(d, store.attemptFailed(d, failed.status(), error, retryAt), "failed (" + error + ")")) {
            log.warn("Notification delivery {} ({}) to {} failed on attempt {}: {}; {}", d.id(), d.event(), d.url(), attempts, error,
                    retryAt == null ? "giving up" : "retrying at " + retryAt);
        }
    }

    /** Gives an unattempted delivery back, due at once; the database write runs with the interrupt flag cleared. */
    private void handBack(Outbox store, NotificationStore.Due d, String why) {
        boolean interrupted = Thread.interrupted();
        try {
            recorded(d, store.released(d), "handed back unattempted (" + why + ")");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean recorded(NotificationStore.Due d, boolean written, String outcome) {
        if (!written) {
            log.warn("Notification delivery {} was claimed again after this node's lease on it ended; its outcome here, {}, is not recorded",
                    d.id(), outcome);
        }
        return written;
    }

    /** A failed attempt as the circuit records it (no stack trace: the message is the whole story). */
    private static final class EndpointFault extends RuntimeException {
        EndpointFault(String message) {
            super(message, null, false, false);
        }
    }
}

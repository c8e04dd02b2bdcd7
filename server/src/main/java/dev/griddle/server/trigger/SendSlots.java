package dev.griddle.server.trigger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The notification attempts in flight on this node, in all and per organization, held to
 * {@code griddle.triggers.notification-concurrency} and {@code notification-per-org-concurrency}.
 * The sender claims only what these slots leave room for ({@link #free()}, {@link #busy()}), so
 * no claimed delivery waits here while its lease runs, and one organization's slow endpoints can
 * hold at most its own slots. Only the sender's loop takes slots; the send threads give them back.
 */
final class SendSlots {

    private final int total;
    private final int perOrg;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final Map<UUID, Integer> byOrg = new HashMap<>();
    private int inFlight;

    SendSlots(int total, int perOrg) {
        this.total = total;
        this.perOrg = perOrg;
    }

    int perOrg() {
        return perOrg;
    }

    /** Slots free on this node. */
    int free() {
        lock.lock();
        try {
            return total - inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Attempts in flight per organization (only organizations with any). */
    Map<UUID, Integer> busy() {
        lock.lock();
        try {
            return Map.copyOf(byOrg);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One attempt of {@code org} starts. The claim sized itself by {@link #free()} and {@link #busy()}
     * and slots only free up meanwhile, so this never goes over a cap; it refuses if it would.
     */
    void take(UUID org) {
        lock.lock();
        try {
            int held = byOrg.getOrDefault(org, 0);
            if (inFlight >= total || held >= perOrg) {
                throw new IllegalStateException("notification slots over their caps: " + inFlight + "/" + total + " on this node, "
                        + held + "/" + perOrg + " for organization " + org);
            }
            inFlight++;
            byOrg.put(org, held + 1);
        } finally {
            lock.unlock();
        }
    }

    /** One attempt of {@code org} ended. */
    void release(UUID org) {
        lock.lock();
        try {
            inFlight--;
            byOrg.computeIfPresent(org, (o, n) -> n == 1 ? null : n - 1);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a slot is given back or {@code timeout} passes; false when it passed. */
    boolean awaitRelease(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            return released.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until nothing is in flight or {@code timeout} passes; false when it passed. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (inFlight > 0) {
                if (left <= 0) {
                    return false;
                }
                left = released.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}

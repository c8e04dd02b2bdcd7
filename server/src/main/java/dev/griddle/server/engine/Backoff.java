package dev.griddle.server.engine;

import dev.griddle.server.runner.RetryPolicy;
import java.util.random.RandomGenerator;

/** Delay before the next attempt: exponential (doubling, capped, with equal jitter) or fixed. */
final class Backoff {

    private Backoff() {
    }

    /** @param failedAttempt the attempt that just failed, from 1 */
    static long delayMillis(RetryPolicy policy, int failedAttempt, RandomGenerator random) {
        if ("fixed".equals(policy.backoff())) {
            return policy.initialIntervalMs();
        }
        double raw = policy.initialIntervalMs() * Math.pow(2, Math.max(0, failedAttempt - 1));
        long capped = (long) Math.min(raw, policy.maxIntervalMs());
        long half = capped / 2;
        return half + (half > 0 ? random.nextLong(half + 1) : 0);
    }
}

package dev.griddle.server.runner;

/**
 * How often a step is tried and how long to wait between tries. {@code backoff}: {@code exponential}
 * (interval doubles from {@code initialIntervalMs} up to {@code maxIntervalMs}, with jitter) or
 * {@code fixed}.
 */
public record RetryPolicy(int maxAttempts, String backoff, long initialIntervalMs, long maxIntervalMs) {

    public static final RetryPolicy NONE = new RetryPolicy(1, "exponential", 1000, 60_000);

    public RetryPolicy {
        backoff = backoff == null ? "exponential" : backoff;
        maxAttempts = maxAttempts <= 0 ? 1 : maxAttempts;
        initialIntervalMs = initialIntervalMs <= 0 ? 1000 : initialIntervalMs;
        maxIntervalMs = maxIntervalMs <= 0 ? 60_000 : maxIntervalMs;
    }
}

package dev.griddle.server.engine;

import dev.griddle.server.Refusal;
import java.time.Duration;

/**
 * A run refused because its organization already has {@code griddle.engine.max-live-runs-per-org-hard}
 * live runs. The API answers {@code 429 TOO_MANY_LIVE_RUNS} with {@code Retry-After}; a cron fire is
 * recorded as skipped.
 */
public class LiveRunLimitExceeded extends Refusal {

    private final long liveRuns;
    private final int limit;
    private final Duration retryAfter;

    LiveRunLimitExceeded(long liveRuns, int limit, Duration retryAfter) {
        super("The organization has " + liveRuns + " live runs, the most it may have (griddle.engine.max-live-runs-per-org-hard = " + limit
                + "); start more once some have finished");
        this.liveRuns = liveRuns;
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    public long liveRuns() {
        return liveRuns;
    }

    public int limit() {
        return limit;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}

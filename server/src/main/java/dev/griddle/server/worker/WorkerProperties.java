package dev.griddle.server.worker;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Remote worker settings, prefix {@code griddle.worker} so that the documented environment
 * variables bind by relaxed binding: {@code GRIDDLE_WORKER_HEARTBEAT_TIMEOUT} (a worker is
 * offline after this long without a heartbeat), {@code GRIDDLE_WORKER_MAX_CLAIM_WAIT} (the cap on
 * a claim's {@code wait_ms}), {@code GRIDDLE_WORKER_HISTORY_RETENTION} (how long finished
 * {@code worker_tasks} rows are kept). The lease handed to workers is {@link RemoteLease}'s.
 */
@ConfigurationProperties("griddle.worker")
public record WorkerProperties(
        @DefaultValue("30s") Duration heartbeatTimeout,
        @DefaultValue("30s") Duration maxClaimWait,
        @DefaultValue("7d") Duration historyRetention) {

    public WorkerProperties {
        if (heartbeatTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(
                    "griddle.worker.heartbeat-timeout (GRIDDLE_WORKER_HEARTBEAT_TIMEOUT) must be at least 1s, was " + heartbeatTimeout);
        }
        if (maxClaimWait.isNegative() || maxClaimWait.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("griddle.worker.max-claim-wait (GRIDDLE_WORKER_MAX_CLAIM_WAIT) must be 0..5m, was "
                    + maxClaimWait);
        }
        if (historyRetention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException(
                    "griddle.worker.history-retention (GRIDDLE_WORKER_HISTORY_RETENTION) must be at least 1m, was " + historyRetention);
        }
    }
}

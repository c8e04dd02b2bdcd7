package dev.griddle.server.session;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Session settings, prefix {@code griddle.session}: {@code max-live-per-org}
 * ({@code GRIDDLE_SESSION_MAX_LIVE_PER_ORG}, live = pending, starting, running or idle),
 * {@code max-file-size} (a file put into or read from a workdir), {@code max-exec-timeout} (the cap
 * on an exec's {@code timeout_ms}), {@code command-timeout} (how long a file call waits for the
 * worker), {@code max-message-length}, {@code cancel-grace} (SIGTERM to SIGKILL),
 * {@code reap-interval} (the host_lost check), {@code stream-fallback-poll} (how often an events
 * stream looks for new events when no wakeup came: the bound on a lost {@code NOTIFY}). A session's lease is the worker heartbeat timeout;
 * its events follow the run retention ({@code griddle.engine.retention}).
 */
@ConfigurationProperties("griddle.session")
public record SessionProperties(
        @DefaultValue("50") int maxLivePerOrg,
        @DefaultValue("1MB") DataSize maxFileSize,
        @DefaultValue("10m") Duration maxExecTimeout,
        @DefaultValue("30s") Duration commandTimeout,
        @DefaultValue("100000") int maxMessageLength,
        @DefaultValue("10s") Duration cancelGrace,
        @DefaultValue("2s") Duration reapInterval,
        @DefaultValue("2s") Duration streamFallbackPoll) {

    public SessionProperties {
        if (maxLivePerOrg < 1 || maxLivePerOrg > 100_000) {
            throw new IllegalArgumentException("griddle.session.max-live-per-org must be 1..100000, was " + maxLivePerOrg);
        }
        if (maxFileSize.toBytes() < 1 || maxFileSize.toBytes() > 1024 * 1024) {
            throw new IllegalArgumentException("griddle.session.max-file-size must be 1B..1MB (the worker's own cap), was " + maxFileSize);
        }
        if (maxExecTimeout.toMillis() < 1 || commandTimeout.toMillis() < 1 || cancelGrace.isNegative() || reapInterval.toMillis() < 100) {
            throw new IllegalArgumentException("griddle.session: max-exec-timeout and command-timeout must be positive, cancel-grace >= 0, "
                    + "reap-interval >= 100ms");
        }
        if (streamFallbackPoll.toMillis() < 50 || streamFallbackPoll.toMinutes() > 1) {
            throw new IllegalArgumentException("griddle.session.stream-fallback-poll must be between 50ms and 1m, was " + streamFallbackPoll);
        }
        if (maxMessageLength < 1 || maxMessageLength > 1_000_000) {
            throw new IllegalArgumentException("griddle.session.max-message-length must be 1..1000000, was " + maxMessageLength);
        }
    }
}

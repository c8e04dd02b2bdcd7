package dev.griddle.server.replay;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code griddle.replay.*}: recordings of runs' external calls (issue #18). {@code recording}: whether
 * runs record at all. {@code maxBytesPerRun}: compressed bytes one run's recording may hold; calls
 * past it are dropped (the run logs {@code recording_truncated}) and a replay of it meets them as
 * unrecorded. {@code modeCache}/{@code modeCacheTtl}: how many runs' recording modes (record, replay
 * of which run) a process remembers, so a step looks its run up once, not per attempt.
 */
@ConfigurationProperties("griddle.replay")
public record ReplayProperties(
        @DefaultValue("true") boolean recording,
        @DefaultValue("8MB") DataSize maxBytesPerRun,
        @DefaultValue("10000") int modeCache,
        @DefaultValue("10m") Duration modeCacheTtl) {

    public ReplayProperties {
        if (maxBytesPerRun.toBytes() < 1024) {
            throw new IllegalArgumentException("griddle.replay.max-bytes-per-run must be at least 1KB, was " + maxBytesPerRun);
        }
        if (modeCache < 1) {
            throw new IllegalArgumentException("griddle.replay.mode-cache must be at least 1, was " + modeCache);
        }
        if (modeCacheTtl.isNegative() || modeCacheTtl.isZero()) {
            throw new IllegalArgumentException("griddle.replay.mode-cache-ttl must be positive, was " + modeCacheTtl);
        }
    }
}

package dev.griddle.server.trace;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code griddle.traces.*}: the background jobs that roll finished runs up for analytics and
 * metrics and export them over OTLP. {@code lag} is how long after its {@code finished_at} a run is
 * picked up: longer than any engine transaction, so a run that commits late is never skipped.
 */
@ConfigurationProperties("griddle.traces")
public record TraceProperties(
        @DefaultValue("2s") Duration jobInterval,
        @DefaultValue("5s") Duration lag,
        @DefaultValue("200") int batchSize,
        @DefaultValue("10s") Duration queueGaugeInterval) {

    public TraceProperties {
        if (jobInterval.toMillis() < 100) {
            throw new IllegalArgumentException("griddle.traces.job-interval must be at least 100ms, was " + jobInterval);
        }
        if (lag.isNegative()) {
            throw new IllegalArgumentException("griddle.traces.lag must not be negative, was " + lag);
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("griddle.traces.batch-size must be 1..10000, was " + batchSize);
        }
        if (queueGaugeInterval.toMillis() < 100) {
            throw new IllegalArgumentException("griddle.traces.queue-gauge-interval must be at least 100ms, was " + queueGaugeInterval);
        }
    }
}

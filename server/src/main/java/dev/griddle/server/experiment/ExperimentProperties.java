package dev.griddle.server.experiment;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code griddle.experiments.*} (issue #18, docs/testing-pipelines.md). {@code maxCasesPerDataset},
 * {@code maxDatasetSize}: what one dataset may hold (inputs, expected outputs and recording copies,
 * compressed as stored). {@code defaultParallel}/{@code maxParallel}: an experiment's concurrent case
 * runs when it names none, and the most it may name. {@code enabled}: whether this node advances
 * experiments; {@code pollInterval}: how often it looks; {@code lease}: how long a node holds an
 * experiment it advances before another node may take it over. {@code gateWait}: how long a gated
 * {@code POST /runners/{id}/versions} waits for its experiment before answering 202.
 */
@ConfigurationProperties("griddle.experiments")
public record ExperimentProperties(
        @DefaultValue("1000") int maxCasesPerDataset,
        @DefaultValue("64MB") DataSize maxDatasetSize,
        @DefaultValue("4") int defaultParallel,
        @DefaultValue("16") int maxParallel,
        @DefaultValue("true") boolean enabled,
        @DefaultValue("250ms") Duration pollInterval,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("5m") Duration gateWait) {

    public ExperimentProperties {
        if (maxCasesPerDataset < 1) {
            throw new IllegalArgumentException("griddle.experiments.max-cases-per-dataset must be at least 1, was " + maxCasesPerDataset);
        }
        if (maxDatasetSize.toBytes() < 1024) {
            throw new IllegalArgumentException("griddle.experiments.max-dataset-size must be at least 1KB, was " + maxDatasetSize);
        }
        if (maxParallel < 1) {
            throw new IllegalArgumentException("griddle.experiments.max-parallel must be at least 1, was " + maxParallel);
        }
        if (defaultParallel < 1 || defaultParallel > maxParallel) {
            throw new IllegalArgumentException("griddle.experiments.default-parallel must be between 1 and max-parallel (" + maxParallel + "), was "
                    + defaultParallel);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("griddle.experiments.poll-interval must be positive, was " + pollInterval);
        }
        if (lease.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new IllegalArgumentException("griddle.experiments.lease must be at least 5s, was " + lease);
        }
        if (gateWait.isNegative()) {
            throw new IllegalArgumentException("griddle.experiments.gate-wait must not be negative, was " + gateWait);
        }
    }
}

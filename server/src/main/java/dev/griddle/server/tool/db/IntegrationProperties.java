package dev.griddle.server.tool.db;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the database tools, prefix {@code griddle.integrations}: {@code statement-timeout} (a
 * query running longer is cancelled by the database), {@code connect-timeout}, {@code max-rows}
 * (the most rows one {@code sql_query} returns, whatever its {@code limit}), {@code max-cell-size}
 * (the largest single value read) and {@code max-result-size} (all values of one result
 * together). A result over either size fails the call: the drivers are told to stop there too, so a
 * 300 MiB cell or a million wide rows never land in Griddle's heap.
 */
@ConfigurationProperties("griddle.integrations")
public record IntegrationProperties(
        @DefaultValue("15s") Duration statementTimeout,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("1000") int maxRows,
        @DefaultValue("256KB") DataSize maxCellSize,
        @DefaultValue("1MB") DataSize maxResultSize) {

    public IntegrationProperties {
        if (statementTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("griddle.integrations.statement-timeout must be at least 100ms, was " + statementTimeout);
        }
        if (connectTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("griddle.integrations.connect-timeout must be at least 1s, was " + connectTimeout);
        }
        if (maxRows < 1 || maxRows > 100_000) {
            throw new IllegalArgumentException("griddle.integrations.max-rows must be 1..100000, was " + maxRows);
        }
        if (maxResultSize.toBytes() < 1024 || maxResultSize.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("griddle.integrations.max-result-size must be 1KB..2GB, was " + maxResultSize);
        }
        if (maxCellSize.toBytes() < 1 || maxCellSize.toBytes() > maxResultSize.toBytes()) {
            throw new IllegalArgumentException("griddle.integrations.max-cell-size must be 1B..max-result-size (" + maxResultSize
                    + "), was " + maxCellSize);
        }
    }
}

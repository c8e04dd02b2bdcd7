package dev.griddle.server.tool.db;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of the database tools, prefix {@code griddle.integrations}: {@code statement-timeout} (a
 * query running longer is cancelled by the database), {@code connect-timeout}, and
 * {@code max-rows} (the most rows one {@code sql_query} returns, whatever its {@code limit}).
 */
@ConfigurationProperties("griddle.integrations")
public record IntegrationProperties(
        @DefaultValue("15s") Duration statementTimeout,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("1000") int maxRows) {

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
    }
}

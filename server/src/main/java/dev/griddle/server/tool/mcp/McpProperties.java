package dev.griddle.server.tool.mcp;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * MCP client settings, prefix {@code griddle.mcp}: {@code request-timeout} (one MCP request,
 * initialization included), {@code tools-ttl} (how long a server's tool list is reused before it
 * is listed again; a {@code list_changed} notification drops it at once), {@code stdio-enabled}
 * (off by default: a stdio server is a process the Griddle server starts, so only an operator
 * should allow it).
 */
@ConfigurationProperties("griddle.mcp")
public record McpProperties(
        @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue("5m") Duration toolsTtl,
        @DefaultValue("false") boolean stdioEnabled) {

    public McpProperties {
        if (requestTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("griddle.mcp.request-timeout must be at least 100ms, was " + requestTimeout);
        }
        if (toolsTtl.isNegative()) {
            throw new IllegalArgumentException("griddle.mcp.tools-ttl must not be negative, was " + toolsTtl);
        }
    }
}

package dev.griddle.server.tool.mcp;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * MCP client settings, prefix {@code griddle.mcp}: {@code request-timeout} (one MCP request,
 * initialization included), {@code tools-ttl} (how long a server's tool list is reused before it
 * is listed again; a {@code list_changed} notification drops it at once).
 *
 * <p>stdio servers are processes the Griddle server starts, so they run with its rights on its
 * machine, on behalf of whichever organization registered them: off unless the operator sets
 * {@code stdio-enabled}, and then only for the commands listed in {@code stdio-commands} (exact
 * matches of the server's {@code command}; {@code *} allows any command, for a single-tenant
 * server whose every admin may run code on it). Enabling stdio without listing commands stops
 * start-up rather than silently allowing everything.
 */
@ConfigurationProperties("griddle.mcp")
public record McpProperties(
        @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue("5m") Duration toolsTtl,
        @DefaultValue("false") boolean stdioEnabled,
        List<String> stdioCommands) {

    public McpProperties {
        if (requestTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("griddle.mcp.request-timeout must be at least 100ms, was " + requestTimeout);
        }
        if (toolsTtl.isNegative()) {
            throw new IllegalArgumentException("griddle.mcp.tools-ttl must not be negative, was " + toolsTtl);
        }
        stdioCommands = stdioCommands == null ? List.of() : stdioCommands.stream().map(String::strip).filter(c -> !c.isEmpty()).toList();
        if (stdioEnabled && stdioCommands.isEmpty()) {
            throw new IllegalArgumentException("griddle.mcp.stdio-enabled=true needs griddle.mcp.stdio-commands (GRIDDLE_MCP_STDIO_COMMANDS): "
                    + "the commands stdio MCP servers may run, comma separated, or '*' for any command");
        }
    }

    /** Whether a stdio server may run {@code command}: stdio is enabled and the command is listed (or {@code *} is). */
    boolean stdioAllows(String command) {
        return stdioEnabled && (stdioCommands.contains("*") || stdioCommands.contains(command));
    }
}

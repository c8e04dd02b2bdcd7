package dev.griddle.server.tool.mcp;

import dev.griddle.server.GriddleProperties;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/**
 * What stdio MCP servers need of the rest of the configuration, checked at start-up. A child runs
 * with the Griddle server's rights, so it must find nothing of Griddle's on disk: the master key
 * comes from {@code GRIDDLE_MASTER_KEY}, not from {@code <data dir>/master.key}, and children run
 * in a working directory outside the data directory (which also holds the embedded database).
 */
@Component
class StdioRequirements {

    StdioRequirements(McpProperties mcp, GriddleProperties griddle) {
        check(mcp, griddle.masterKey(), griddle.dataDir());
    }

    static void check(McpProperties mcp, String masterKey, Path dataDirectory) {
        if (!mcp.stdioEnabled()) {
            return;
        }
        if (masterKey == null || masterKey.isBlank()) {
            throw new IllegalStateException("griddle.mcp.stdio-enabled=true needs GRIDDLE_MASTER_KEY (griddle.master-key): stdio MCP servers "
                    + "run with the Griddle server's rights, so the master key must not be a file they could read (" + dataDirectory
                    + "/master.key)");
        }
        Path dataDir = dataDirectory.toAbsolutePath().normalize();
        if (mcp.stdioWorkDir().startsWith(dataDir)) {
            throw new IllegalStateException("griddle.mcp.stdio-work-dir (" + mcp.stdioWorkDir() + ") must lie outside the data directory "
                    + dataDir + ": stdio MCP servers must not start next to Griddle's own files");
        }
    }
}

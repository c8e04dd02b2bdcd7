package dev.griddle.server.interop.mcp;

/** Where a tool call reports how far it got: MCP's {@code notifications/progress} for a client that sent a progress token. */
@FunctionalInterface
interface Progress {

    /** For a call whose client asked for no progress. */
    Progress NONE = (done, total, message) -> {
    };

    void report(double done, Double total, String message);
}

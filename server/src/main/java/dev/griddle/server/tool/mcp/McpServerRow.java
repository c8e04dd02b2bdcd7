package dev.griddle.server.tool.mcp;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An MCP server as stored; {@code headersSealed} is SecretBox ciphertext of a JSON object and never leaves the server. */
record McpServerRow(UUID id, UUID orgId, String name, String slug, String transport, String url, String headersSealed, String command,
        List<String> args, Instant createdAt, Instant updatedAt) {
}

package dev.griddle.sdk;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** MCP servers, database integrations, custom tools, and what attaches them to runners and agents. */
public final class ConnectionModels {

    private ConnectionModels() {
    }

    /** A runner or an agent, the two things connections attach to. */
    public record Owner(String kind, UUID id) {
        public static Owner runner(UUID id) {
            return new Owner("runners", id);
        }

        public static Owner agent(UUID id) {
            return new Owner("agents", id);
        }

        String path() {
            return "/api/v1/" + kind + "/" + id;
        }
    }

    /** {@code headerNames}: the names of the stored headers; their values are write-only. */
    public record McpServer(UUID id, String name, String slug, String transport, String url, List<String> headerNames, String command,
            List<String> args, Instant createdAt, Instant updatedAt) {
    }

    /**
     * For create (name, slug, transport and its url or command required) and update (only the
     * fields given change; {@code headers} replaces all headers, an empty map removes them).
     */
    public record McpServerInput(String name, String slug, String transport, String url, Map<String, String> headers, String command,
            List<String> args) {
        public static McpServerInput streamableHttp(String name, String slug, String url) {
            return new McpServerInput(name, slug, "streamable_http", url, null, null, null);
        }

        public static McpServerInput sse(String name, String slug, String url) {
            return new McpServerInput(name, slug, "sse", url, null, null, null);
        }

        public static McpServerInput stdio(String name, String slug, String command, String... args) {
            return new McpServerInput(name, slug, "stdio", null, null, command, Arrays.asList(args));
        }

        public McpServerInput withHeaders(Map<String, String> headers) {
            return new McpServerInput(name, slug, transport, url, headers, command, args);
        }
    }

    public record McpTool(String name, String description, JsonNode inputSchema) {
    }

    /** {@code ok} false with {@code error} when the server could not be reached or listed. */
    public record McpValidation(boolean ok, List<McpTool> tools, String error) {
    }

    /** {@code allowedTools} null: every tool of the server. */
    public record McpAttachment(UUID mcpServerId, List<String> allowedTools, Instant createdAt) {
    }

    /** {@code tools}: the names models call, {@code <name>__sql_query} and friends. The password is write-only. */
    public record Integration(UUID id, String name, String kind, String url, String username, boolean hasPassword, List<String> tools,
            Instant createdAt, Instant updatedAt) {
    }

    /** For create (name, kind, url required) and update (only the fields given change; a password given replaces the stored one). */
    public record IntegrationInput(String name, String kind, String url, String username, String password) {
        public static IntegrationInput postgresql(String name, String url, String username, String password) {
            return new IntegrationInput(name, "postgresql", url, username, password);
        }

        public static IntegrationInput mysql(String name, String url, String username, String password) {
            return new IntegrationInput(name, "mysql", url, username, password);
        }

        public static IntegrationInput h2(String name, String url, String username, String password) {
            return new IntegrationInput(name, "h2", url, username, password);
        }
    }

    public record Table(String schema, String name, String type) {
    }

    /** {@code allowedTables} null: every table. */
    public record IntegrationAttachment(UUID integrationId, List<String> allowedTables, Instant createdAt) {
    }

    /** A custom HTTP tool: {@code http} is {@code {method, url, headers, body}}, templated with {@code args.<name>}. */
    public record Tool(UUID id, String name, String description, JsonNode parameters, JsonNode http, Instant createdAt, Instant updatedAt) {
    }

    /** For create (all but description required) and update (only the fields given change). */
    public record ToolInput(String name, String description, JsonNode parameters, JsonNode http) {
    }

    public record ToolLink(UUID toolId, String name, boolean allowed, Instant createdAt) {
    }

    /** The {@code web} setting: {@code enabled} switches the web tools on; each other switch (default true) one of them. Null: unchanged default. */
    public record WebSettings(Boolean enabled, Boolean searchEnabled, Boolean researchEnabled, Boolean readEnabled, Boolean crawlEnabled) {
        public static WebSettings on() {
            return new WebSettings(true, null, null, null, null);
        }
    }
}

package dev.griddle.sdk;

import dev.griddle.sdk.AgentModels.Items;
import dev.griddle.sdk.ConnectionModels.McpAttachment;
import dev.griddle.sdk.ConnectionModels.McpServer;
import dev.griddle.sdk.ConnectionModels.McpServerInput;
import dev.griddle.sdk.ConnectionModels.McpTool;
import dev.griddle.sdk.ConnectionModels.McpValidation;
import dev.griddle.sdk.ConnectionModels.Owner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;

/** {@code /api/v1/mcp-servers}: MCP servers whose tools models call as {@code <slug>__<tool>}, and their attachments. */
public final class McpServersClient {

    private final Transport http;

    McpServersClient(Transport http) {
        this.http = http;
    }

    public McpServer create(McpServerInput server) {
        return http.call("POST", "/api/v1/mcp-servers", server, McpServer.class);
    }

    public Page<McpServer> list(PageRequest page) {
        return http.page("/api/v1/mcp-servers?" + page.query(), McpServer.class);
    }

    public McpServer get(UUID id) {
        return http.call("GET", "/api/v1/mcp-servers/" + id, null, McpServer.class);
    }

    /** Only the fields given (non-null) change; the server's pooled session is reopened. */
    public McpServer update(UUID id, McpServerInput changes) {
        return http.call("PATCH", "/api/v1/mcp-servers/" + id, changes, McpServer.class);
    }

    /** Also detaches it everywhere and stops its session (and process, for stdio). */
    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/mcp-servers/" + id, null, Map.of());
    }

    /** Connects on a fresh session and lists the tools; an unreachable server is {@code ok: false}, not an exception. */
    public McpValidation validate(UUID id) {
        return http.call("POST", "/api/v1/mcp-servers/" + id + "/validate", null, McpValidation.class);
    }

    /** The tools of the server, from the pooled session's cache. */
    public List<McpTool> tools(UUID id) {
        return http.call("GET", "/api/v1/mcp-servers/" + id + "/tools", null, new TypeReference<Items<McpTool>>() {
        }).data();
    }

    /** {@code allowedTools} null: all the server's tools. Attaching again replaces the attachment. */
    public McpAttachment attach(Owner owner, UUID serverId, List<String> allowedTools) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mcp_server_id", serverId);
        if (allowedTools != null) {
            body.put("allowed_tools", allowedTools);
        }
        return http.call("POST", owner.path() + "/mcps", body, McpAttachment.class);
    }

    public List<McpAttachment> attached(Owner owner) {
        return http.call("GET", owner.path() + "/mcps", null, new TypeReference<Items<McpAttachment>>() {
        }).data();
    }

    public void detach(Owner owner, UUID serverId) {
        http.send("DELETE", owner.path() + "/mcps", Map.of("mcp_server_id", serverId), Map.of());
    }
}

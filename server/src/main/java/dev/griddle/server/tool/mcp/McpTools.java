package dev.griddle.server.tool.mcp;

import dev.griddle.server.tool.ConnectedTools;
import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolContext;
import dev.griddle.server.tool.ToolException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Resolves {@code <slug>__<tool>} through the owners' {@code mcps} attachments (the later owner,
 * the agent, wins on the same slug) and their {@code allowed_tools}; the tool must be in the
 * server's (cached) tool list.
 */
@Component
class McpTools implements ConnectedTools {

    private final McpServerStore store;
    private final McpSessions sessions;
    private final JsonMapper json;

    McpTools(McpServerStore store, McpSessions sessions, JsonMapper json) {
        this.store = store;
        this.sessions = sessions;
        this.json = json;
    }

    @Override
    public Optional<Tool> find(UUID orgId, String name, List<Owner> owners) {
        int split = name.indexOf("__");
        if (split <= 0 || split + 2 >= name.length()) {
            return Optional.empty();
        }
        String slug = name.substring(0, split);
        String toolName = name.substring(split + 2);
        McpServerStore.Attached found = null;
        for (Owner owner : owners) {
            Optional<McpServerStore.Attached> a = store.attached(orgId, owner.kind(), owner.id(), slug);
            if (a.isPresent()) {
                found = a.get();
            }
        }
        if (found == null || (found.allowedTools() != null && !found.allowedTools().contains(toolName))) {
            return Optional.empty();
        }
        McpServerRow server = found.server();
        try {
            return sessions.tools(server).stream().filter(t -> t.name().equals(toolName)).findFirst()
                    .map(t -> (Tool) new McpTool(server, t, sessions, json));
        } catch (RuntimeException unreachable) {
            return Optional.of(new UnreachableTool(name, unreachable.getMessage(), json.createObjectNode().put("type", "object")));
        }
    }

    /** Stands in for a tool whose server cannot be listed, so the model (or step) is told why instead of "no such tool". */
    private record UnreachableTool(String name, String why, JsonNode parameters) implements Tool {
        @Override
        public String description() {
            return "Unavailable: its MCP server cannot be reached";
        }

        @Override
        public JsonNode call(JsonNode arguments, ToolContext context) throws ToolException {
            throw new ToolException("the MCP server of " + name + " is unreachable: " + why, true);
        }
    }
}

package dev.griddle.server.tool.mcp;

import dev.griddle.server.tool.ConnectedTools;
import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolContext;
import dev.griddle.server.tool.ToolException;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(McpTools.class);

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
            return Optional.of(new UnreachableTool(name, McpUrls.scrub(unreachable.getMessage(), server.url()),
                    json.createObjectNode().put("type", "object")));
        }
    }

    /**
     * The tools of every attached server, filtered by the attachment's {@code allowed_tools}, from
     * the session's cached list. A server that cannot be listed (down, refusing, timing out after
     * {@code griddle.mcp.request-timeout}) is left out with a warning: the conversation goes on
     * with the tools that answered.
     */
    @Override
    public Map<String, Tool> all(UUID orgId, List<Owner> owners) {
        Map<String, McpServerStore.Attached> bySlug = new LinkedHashMap<>();
        for (Owner owner : owners) {
            store.attachedTo(orgId, owner.kind(), owner.id()).forEach(a -> bySlug.put(a.server().slug(), a));
        }
        Map<String, Tool> out = new LinkedHashMap<>();
        for (McpServerStore.Attached a : bySlug.values()) {
            List<McpSchema.Tool> listed;
            try {
                listed = sessions.tools(a.server());
            } catch (RuntimeException unreachable) {
                log.warn("MCP server '{}' cannot be listed ({}); its tools are left out", a.server().slug(),
                        McpUrls.scrub(unreachable.getMessage(), a.server().url()));
                continue;
            }
            for (McpSchema.Tool t : listed) {
                if (a.allowedTools() == null || a.allowedTools().contains(t.name())) {
                    McpTool tool = new McpTool(a.server(), t, sessions, json);
                    out.put(tool.name(), tool);
                }
            }
        }
        return out;
    }

    /** Stands in for a tool whose server cannot be listed, so the model (or step) is told why instead of "no such tool". */
    private record UnreachableTool(String name, String why, JsonNode parameters) implements Tool {

    @Override
    public String recordedKind() {
        return null;
    }

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

package dev.griddle.server.tool.mcp;

import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolContext;
import dev.griddle.server.tool.ToolException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** One tool of an MCP server, called {@code <slug>__<tool>}; the call goes over the pooled session. */
final class McpTool implements Tool {

    @Override
    public String recordedKind() {
        return "mcp";
    }


    private final McpServerRow server;
    private final McpSchema.Tool tool;
    private final McpSessions sessions;
    private final JsonMapper json;

    McpTool(McpServerRow server, McpSchema.Tool tool, McpSessions sessions, JsonMapper json) {
        this.server = server;
        this.tool = tool;
        this.sessions = sessions;
        this.json = json;
    }

    @Override
    public String name() {
        return server.slug() + "__" + tool.name();
    }

    @Override
    public String description() {
        return tool.description() == null ? "Tool " + tool.name() + " of MCP server " + server.name() : tool.description();
    }

    @Override
    public JsonNode parameters() {
        return tool.inputSchema() == null ? json.createObjectNode().put("type", "object") : json.valueToTree(tool.inputSchema());
    }

    @Override
    public JsonNode call(JsonNode arguments, ToolContext context) throws ToolException {
        Map<String, Object> args = json.convertValue(arguments, new TypeReference<Map<String, Object>>() {
        });
        McpSchema.CallToolResult result;
        try {
            result = sessions.call(server, tool.name(), args);
        } catch (OutboundGuard.Refused e) {
            throw new ToolException(e.getMessage(), false);
        } catch (McpError e) {
            throw new ToolException("MCP server '" + server.slug() + "' refused the call: " + McpUrls.scrub(e.getMessage(), server.url()), false);
        } catch (RuntimeException e) {
            throw new ToolException("MCP server '" + server.slug() + "' is unreachable: " + McpUrls.scrub(e.getMessage(), server.url()), true);
        }
        ObjectNode out = json.createObjectNode();
        StringBuilder text = new StringBuilder();
        ArrayNode content = out.putArray("content");
        for (McpSchema.Content c : result.content() == null ? java.util.List.<McpSchema.Content>of() : result.content()) {
            content.add(json.valueToTree(c));
            if (c instanceof McpSchema.TextContent t) {
                text.append(text.isEmpty() ? "" : "\n").append(t.text());
            }
        }
        out.put("text", text.toString());
        if (result.structuredContent() != null) {
            out.set("structured_content", json.valueToTree(result.structuredContent()));
        }
        if (Boolean.TRUE.equals(result.isError())) {
            throw new ToolException("MCP tool " + name() + " failed: " + text, false);
        }
        return out;
    }
}

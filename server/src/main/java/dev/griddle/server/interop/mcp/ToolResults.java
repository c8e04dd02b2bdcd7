package dev.griddle.server.interop.mcp;

import dev.griddle.server.Refusal;
import dev.griddle.server.web.ApiException;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Tool results: structured content with the same JSON as text (for clients that read only text), and refusals as error results. */
final class ToolResults {

    private ToolResults() {
    }

    static McpSchema.CallToolResult of(JsonMapper json, Map<String, Object> structured, boolean error) {
        return McpSchema.CallToolResult.builder().structuredContent(structured).addTextContent(json.writeValueAsString(structured)).isError(error)
                .build();
    }

    /** A refusal as the API would have answered it: its code, message and details. */
    static McpSchema.CallToolResult refused(JsonMapper json, Refusal refusal) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (refusal instanceof ApiException api) {
            error.put("code", api.code());
            error.put("status", api.status().value());
            if (api.details() != null && !api.details().isEmpty()) {
                error.put("details", api.details());
            }
        }
        error.put("message", refusal.getMessage());
        return of(json, Map.of("error", error), true);
    }

    static McpSchema.CallToolResult refused(JsonMapper json, String code, String message) {
        return of(json, Map.of("error", Map.of("code", code, "message", message)), true);
    }
}

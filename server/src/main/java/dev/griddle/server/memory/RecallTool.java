package dev.griddle.server.memory;

import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolContext;
import dev.griddle.server.tool.ToolException;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** {@code recall}: the agent searches what it remembered about the user it talks with (the thread's user), best matches first. */
final class RecallTool implements Tool {

    @Override
    public String recordedKind() {
        return null;
    }


    static final String NAME = "recall";
    static final int DEFAULT_TOP_K = 5;

    private final AgentMemory memory;
    private final UUID orgId;
    private final UUID agentId;
    private final String user;
    private final int maxTopK;

    RecallTool(AgentMemory memory, UUID orgId, UUID agentId, String user, int maxTopK) {
        this.memory = memory;
        this.orgId = orgId;
        this.agentId = agentId;
        this.user = user;
        this.maxTopK = maxTopK;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Recall what you remembered earlier about the user or past conversations, by meaning.";
    }

    @Override
    public JsonNode parameters() {
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        ObjectNode p = schema.putObject("properties");
        p.putObject("query").put("type", "string").put("description", "what to recall, in words");
        p.putObject("top_k").put("type", "integer").put("minimum", 1).put("maximum", maxTopK).put("description", "how many (default 5)");
        schema.putArray("required").add("query");
        return schema;
    }

    @Override
    public JsonNode call(JsonNode arguments, ToolContext context) throws ToolException {
        String query = arguments.path("query").asString("");
        if (query.isBlank() || query.length() > MemoryController.MAX_QUERY) {
            throw new ToolException("query must be 1 to " + MemoryController.MAX_QUERY + " characters", false);
        }
        int topK = arguments.path("top_k").isIntegralNumber() ? arguments.get("top_k").asInt() : DEFAULT_TOP_K;
        if (topK < 1 || topK > maxTopK) {
            throw new ToolException("top_k must be between 1 and " + maxTopK, false);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode memories = out.putArray("memories");
        for (MemorySearch.Hit hit : memory.recall(orgId, agentId, user, query, topK)) {
            memories.addObject().put("text", hit.entry().text()).put("score", hit.score()).put("created_at", hit.entry().createdAt().toString());
        }
        return out;
    }
}

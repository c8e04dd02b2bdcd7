package dev.griddle.server.memory;

import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolContext;
import dev.griddle.server.tool.ToolException;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** {@code remember}: the agent keeps a fact about the user it talks with (the thread's user), for later turns and threads. */
final class RememberTool implements Tool {

    @Override
    public String recordedKind() {
        return null;
    }


    static final String NAME = "remember";

    private final AgentMemory memory;
    private final UUID orgId;
    private final UUID agentId;
    private final String user;
    private final int maxText;

    RememberTool(AgentMemory memory, UUID orgId, UUID agentId, String user, int maxText) {
        this.memory = memory;
        this.orgId = orgId;
        this.agentId = agentId;
        this.user = user;
        this.maxText = maxText;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Remember a fact about the user or the conversation (a preference, a decision, a detail) so that later conversations can recall it.";
    }

    @Override
    public JsonNode parameters() {
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        schema.putObject("properties").putObject("text").put("type", "string").put("maxLength", maxText)
                .put("description", "the fact, in a self-contained sentence");
        schema.putArray("required").add("text");
        return schema;
    }

    @Override
    public JsonNode call(JsonNode arguments, ToolContext context) throws ToolException {
        String text = arguments.path("text").asString("");
        String problem = memory.textProblem(text);
        if (problem != null) {
            throw new ToolException("text: " + problem, false);
        }
        MemoryEntry entry = memory.remember(orgId, agentId, user, text, "tool")
                .orElseThrow(() -> new ToolException("memory is full (griddle.memory.max-entries-per-agent); nothing was remembered", false));
        return JsonNodeFactory.instance.objectNode().put("id", entry.id().toString()).put("remembered", true);
    }
}

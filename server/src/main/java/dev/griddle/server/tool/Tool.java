package dev.griddle.server.tool;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Something a model (or a {@code tool} step) can call: a name, a description and a JSON Schema of
 * its arguments. Custom HTTP tools are the first kind; MCP, web and knowledge tools come later.
 * {@link #call} may block (virtual threads) and must return promptly when interrupted.
 */
public interface Tool {

    String name();

    String description();

    /** JSON Schema of the arguments object. */
    JsonNode parameters();

    /**
     * Calls the tool with arguments already checked against {@link #parameters()}.
     *
     * @throws ToolException when the call failed in a way the caller (a model) should be told about
     */
    JsonNode call(JsonNode arguments, ToolContext context) throws ToolException, InterruptedException;

    /**
     * What a trace records of the search a successful call made (a {@code retrieval} span:
     * {@code query, hit_count, hits}), from its arguments and result; null for a tool that does not
     * search, which is every tool but {@code knowledge_search}.
     */
    default ObjectNode retrieval(JsonNode arguments, JsonNode result) {
        return null;
    }

    /**
     * The kind of external call a run's recording files this tool's calls under (issue #18:
     * {@code tool, mcp, sql, web, knowledge}), or null for a tool inside the server whose calls are
     * not external (an agent's todo list, memory): those run again on a replay.
     */
    default String recordedKind() {
        return "tool";
    }
}

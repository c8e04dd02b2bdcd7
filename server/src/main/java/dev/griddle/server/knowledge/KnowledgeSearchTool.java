package dev.griddle.server.knowledge;

import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolContext;
import dev.griddle.server.tool.ToolException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code knowledge_search}: a model searches the documents of the runner (and the agent) it works
 * for, through {@link KnowledgeRanking}; each passage comes with its citation (document id, title,
 * position) so the answer can name its source. The scopes are fixed when the tool is offered.
 */
final class KnowledgeSearchTool implements Tool {

    @Override
    public String recordedKind() {
        return "knowledge";
    }


    static final String NAME = "knowledge_search";

    private final UUID orgId;
    private final List<Scope> scopes;
    private final KnowledgeRanking ranking;
    private final int maxTopK;

    KnowledgeSearchTool(UUID orgId, List<Scope> scopes, KnowledgeRanking ranking, int maxTopK) {
        this.orgId = orgId;
        this.scopes = List.copyOf(scopes);
        this.ranking = ranking;
        this.maxTopK = maxTopK;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Search the documents given to you (manuals, policies, tickets) for passages that answer a question. "
                + "Cite the title and position of the passages you use.";
    }

    @Override
    public JsonNode parameters() {
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        ObjectNode p = schema.putObject("properties");
        p.putObject("query").put("type", "string").put("description", "what to look for, in words");
        p.putObject("top_k").put("type", "integer").put("minimum", 1).put("maximum", maxTopK).put("description", "how many passages (default 5)");
        schema.putArray("required").add("query");
        return schema;
    }

    @Override
    public JsonNode call(JsonNode arguments, ToolContext context) throws ToolException {
        String query = arguments.path("query").asString("");
        if (query.isBlank() || query.length() > KnowledgeSearchController.MAX_QUERY) {
            throw new ToolException("query must be 1 to " + KnowledgeSearchController.MAX_QUERY + " characters", false);
        }
        int topK = arguments.path("top_k").isIntegralNumber() ? arguments.get("top_k").asInt() : RetrieveStepExecutor.DEFAULT_TOP_K;
        if (topK < 1 || topK > maxTopK) {
            throw new ToolException("top_k must be between 1 and " + maxTopK, false);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode results = out.putArray("results");
        for (KnowledgeRanking.Hit hit : ranking.rank(new KnowledgeRanking.Request(orgId, query, scopes, topK, null, null))) {
            ObjectNode r = results.addObject().put("text", hit.text()).put("score", hit.score());
            r.putObject("citation").put("document_id", hit.documentId().toString()).put("title", hit.title()).put("position", hit.position());
        }
        return out;
    }

    @Override
    public ObjectNode retrieval(JsonNode arguments, JsonNode result) {
        List<RetrievalTrace.Entry> hits = new ArrayList<>();
        for (JsonNode r : result.path("results")) {
            JsonNode c = r.path("citation");
            hits.add(new RetrievalTrace.Entry(c.path("document_id").asString(), c.path("title").asString(), c.path("position").asInt(),
                    r.path("score").asDouble()));
        }
        return RetrievalTrace.of(arguments.path("query").asString(""), hits);
    }
}

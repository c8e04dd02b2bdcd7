package dev.griddle.server.knowledge;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.replay.CallTape;
import dev.griddle.server.step.StepExecutor;
import dev.griddle.server.step.StepOutcome;
import dev.griddle.server.step.StepTask;
import dev.griddle.server.tool.ConnectedTools;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code retrieve} steps: {@code with: {query, scopes, top_k}} ranks chunks through
 * {@link KnowledgeRanking} for pipelines that retrieve without a model choosing to. The runner's
 * own documents and the scopes it is connected to ({@link OwnerScopes}, as its {@code knowledge_search}
 * tool has them) are always searched; each named scope must be visible to the run's project, as
 * for a key limited to it, else the step fails naming the scope as unknown (one of another
 * project or organization reads exactly like one that does not exist). The arguments' shape was
 * checked at publish and again once rendered, before the task was queued. The search is logged as a
 * {@code retrieval} event ({@link RetrievalTrace}), the step's {@code retrieval} span.
 */
@Component
class RetrieveStepExecutor implements StepExecutor {

    static final int DEFAULT_TOP_K = 5;

    private final ScopeAccess access;
    private final OwnerScopes ownerScopes;
    private final KnowledgeRanking ranking;
    private final KnowledgeProperties props;

    RetrieveStepExecutor(ScopeAccess access, OwnerScopes ownerScopes, KnowledgeRanking ranking, KnowledgeProperties props) {
        this.access = access;
        this.ownerScopes = ownerScopes;
        this.ranking = ranking;
        this.props = props;
    }

    @Override
    public String type() {
        return "retrieve";
    }

    @Override
    public StepOutcome execute(StepTask task) throws InterruptedException {
        JsonNode with = task.arguments();
        String query = with.path("query").asString("");
        if (query.isBlank()) {
            return StepOutcome.failed("retrieve: with.query rendered empty", false);
        }
        if (query.length() > KnowledgeSearchController.MAX_QUERY) {
            return StepOutcome.failed("retrieve: with.query must be at most " + KnowledgeSearchController.MAX_QUERY + " characters, was "
                    + query.length(), false);
        }
        long topK = topK(with.get("top_k"));
        if (topK < 1 || topK > props.maxTopK()) {
            return StepOutcome.failed("retrieve: with.top_k must be between 1 and " + props.maxTopK() + " (griddle.knowledge.max-top-k), was " + topK,
                    false);
        }
        ProjectScope reach = ProjectScope.ofOwner(task.projectId());
        Set<Scope> scopes = new LinkedHashSet<>(ownerScopes.of(task.orgId(), List.of(new ConnectedTools.Owner("runner", task.runnerId()))));
        for (JsonNode named : with.path("scopes")) {
            ScopeType type = ScopeType.parse(named.path("scope_type").asString(""));
            UUID id = type == ScopeType.ORG ? null : uuid(named.path("scope_id").asString(""));
            Optional<Scope> scope = type == null || (type != ScopeType.ORG && id == null) ? Optional.empty() : access.visible(task.orgId(), reach, type, id);
            if (scope.isEmpty()) {
                return StepOutcome.failed("retrieve: no knowledge scope " + named.path("scope_type").asString("?") + " '"
                        + named.path("scope_id").asString("") + "' that this run may search (unknown, or of another project)", false);
            }
            scopes.add(scope.get());
        }
        long t0 = System.nanoTime();
        List<Scope> searched = new ArrayList<>(scopes);
        CallTape.LiveCall<RuntimeException> search = () -> output(searched.isEmpty() ? List.of()
                : ranking.rank(new KnowledgeRanking.Request(task.orgId(), query, searched, (int) topK, null, null)));
        // issue #18: the search is recorded (kind knowledge), and a replay answers it from the recording
        CallTape tape = CallTape.current();
        JsonNode output = tape == null ? search.call() : tape.exchange("knowledge", request(query, topK, searched), search);
        ObjectNode trace = RetrievalTrace.of(query, entries(output)).put("latency_ms", (System.nanoTime() - t0) / 1_000_000);
        return new StepOutcome.Done(output, new StepOutcome.Trail(StepOutcome.Usage.NONE, List.of(new StepOutcome.Event("retrieval", trace))));
    }

    /** What the search means: the query, how many passages, and the scopes searched. */
    private static ObjectNode request(String query, long topK, List<Scope> scopes) {
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("step", "retrieve").put("query", query).put("top_k", topK);
        ArrayNode searched = request.putArray("scopes");
        scopes.forEach(s -> searched.addObject().put("scope_type", s.type().wireName()).put("scope_id", s.id() == null ? null : s.id().toString()));
        return request;
    }

    private static List<RetrievalTrace.Entry> entries(JsonNode output) {
        List<RetrievalTrace.Entry> entries = new ArrayList<>();
        for (JsonNode c : output.path("chunks")) {
            entries.add(new RetrievalTrace.Entry(c.path("document_id").asString(), c.path("title").asString(), c.path("position").asInt(),
                    c.path("score").asDouble()));
        }
        return entries;
    }

    private static ObjectNode output(List<KnowledgeRanking.Hit> hits) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode chunks = out.putArray("chunks");
        for (KnowledgeRanking.Hit hit : hits) {
            ObjectNode chunk = chunks.addObject().put("document_id", hit.documentId().toString()).put("title", hit.title()).put("text", hit.text())
                    .put("score", hit.score()).put("position", hit.position());
            ArrayNode path = chunk.putArray("heading_path");
            hit.headingPath().forEach(path::add);
        }
        return out;
    }

    /** {@code top_k} as the parser accepted it once rendered: a whole number, or a string holding one. */
    private static long topK(JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT_TOP_K;
        }
        return node.isNumber() ? node.longValue() : Long.parseLong(node.asString().strip());
    }

    private static UUID uuid(String raw) {
        try {
            return UUID.fromString(raw.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

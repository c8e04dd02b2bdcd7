package dev.griddle.server.knowledge;

import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import io.swagger.v3.oas.annotations.Operation;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/knowledge/search}: ranked chunks of one scope the key sees, through {@link KnowledgeRanking}. */
@RestController
public class KnowledgeSearchController {

    static final int MAX_QUERY = 2_000;
    static final int MAX_DOCUMENT_IDS = 100;

    public record Filter(List<String> documentIds, JsonNode metadata) {
    }

    public record SearchBody(String query, String scopeType, String scopeId, Integer topK, Filter filter) {
    }

    public record HitView(UUID documentId, String title, String text, double score, int position, List<String> headingPath, UUID chunkId) {
        static HitView of(KnowledgeRanking.Hit h) {
            return new HitView(h.documentId(), h.title(), h.text(), h.score(), h.position(), h.headingPath(), h.chunkId());
        }
    }

    private final ScopeAccess scopes;
    private final KnowledgeRanking ranking;
    private final KnowledgeProperties props;

    KnowledgeSearchController(ScopeAccess scopes, KnowledgeRanking ranking, KnowledgeProperties props) {
        this.scopes = scopes;
        this.ranking = ranking;
        this.props = props;
    }

    @PostMapping("/api/v1/knowledge/search")
    @Operation(summary = "Search one scope's documents", description = "{query, scope_type, scope_id, top_k (default 5, at most "
            + "griddle.knowledge.max-top-k), filter: {document_ids, metadata}} -> {data: [{document_id, title, text, score, position, heading_path, chunk_id}]}")
    public Map<String, List<HitView>> search(Caller caller, @RequestBody SearchBody body) {
        FieldErrors errors = new FieldErrors();
        errors.required("query", body.query()).maxLength("query", body.query(), MAX_QUERY);
        int topK = body.topK() == null ? 5 : body.topK();
        if (topK < 1 || topK > props.maxTopK()) {
            errors.add("top_k", "must be between 1 and " + props.maxTopK() + " (griddle.knowledge.max-top-k), was " + topK);
        }
        Set<UUID> documentIds = null;
        String metadata = null;
        if (body.filter() != null) {
            documentIds = documentIds(body.filter().documentIds(), errors);
            JsonNode m = body.filter().metadata();
            metadata = m == null || m.isNull() ? null : DocumentChecks.metadata(m, errors);
        }
        ScopeAccess.parse(body.scopeType(), body.scopeId());
        errors.throwIfAny();
        Scope scope = scopes.resolve(caller, body.scopeType(), body.scopeId(), false);
        List<KnowledgeRanking.Hit> hits = ranking.rank(new KnowledgeRanking.Request(caller.orgId(), body.query(), List.of(scope), topK, documentIds,
                metadata));
        return Map.of("data", hits.stream().map(HitView::of).toList());
    }

    private static Set<UUID> documentIds(List<String> ids, FieldErrors errors) {
        if (ids == null) {
            return null;
        }
        if (ids.size() > MAX_DOCUMENT_IDS) {
            errors.add("filter.document_ids", "must hold at most " + MAX_DOCUMENT_IDS + " ids");
            return null;
        }
        Set<UUID> out = new LinkedHashSet<>();
        for (String id : ids) {
            try {
                out.add(UUID.fromString(String.valueOf(id)));
            } catch (IllegalArgumentException e) {
                errors.add("filter.document_ids", "must be UUIDs, got '" + (id != null && id.length() > 40 ? id.substring(0, 40) : id) + "'");
                return null;
            }
        }
        return out;
    }
}

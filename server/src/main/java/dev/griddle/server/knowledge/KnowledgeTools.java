package dev.griddle.server.knowledge;

import dev.griddle.server.tool.ConnectedTools;
import dev.griddle.server.tool.Tool;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Offers {@link KnowledgeSearchTool} over the owners' own documents ({@code scope_type runner}
 * and {@code agent}, their ids) and the scopes they are connected to ({@link OwnerScopes}): an
 * {@code llm} step that names {@code knowledge_search} in its {@code tools} gets it always; a
 * thread, which is offered everything, only when one of those scopes has a document (so a model
 * is not handed a tool that can find nothing).
 */
@Component
class KnowledgeTools implements ConnectedTools {

    private final OwnerScopes ownerScopes;
    private final KnowledgeRanking ranking;
    private final KnowledgeProperties props;
    private final JdbcClient jdbc;

    KnowledgeTools(OwnerScopes ownerScopes, KnowledgeRanking ranking, KnowledgeProperties props, JdbcClient jdbc) {
        this.ownerScopes = ownerScopes;
        this.ranking = ranking;
        this.props = props;
        this.jdbc = jdbc;
    }

    @Override
    public Optional<Tool> find(UUID orgId, String name, List<Owner> owners) {
        if (!KnowledgeSearchTool.NAME.equals(name)) {
            return Optional.empty();
        }
        return Optional.of(new KnowledgeSearchTool(orgId, ownerScopes.of(orgId, owners), ranking, props.maxTopK()));
    }

    @Override
    public Map<String, Tool> all(UUID orgId, List<Owner> owners) {
        List<Scope> scopes = ownerScopes.of(orgId, owners);
        return anyDocument(orgId, scopes) ? Map.of(KnowledgeSearchTool.NAME, new KnowledgeSearchTool(orgId, scopes, ranking, props.maxTopK()))
                : Map.of();
    }

    /** One indexed lookup (the documents' unique key starts with org, type, id) over the scopes given. */
    private boolean anyDocument(UUID orgId, List<Scope> scopes) {
        if (scopes.isEmpty()) {
            return false;
        }
        return jdbc.sql("""
                select exists (select 1 from knowledge_documents d
                               where d.org_id = :org and (d.scope_type, coalesce(d.scope_id, cast(:none as uuid)))
                                   in (select t, i from unnest(cast(:types as text[]), cast(:ids as uuid[])) as s(t, i)))
                """).param("org", orgId).param("none", RankingSql.NO_SCOPE)
                .param("types", scopes.stream().map(s -> s.type().wireName()).toArray(String[]::new))
                .param("ids", scopes.stream().map(s -> s.id() == null ? UUID.fromString(RankingSql.NO_SCOPE) : s.id()).toArray(UUID[]::new))
                .query(Boolean.class).single();
    }
}

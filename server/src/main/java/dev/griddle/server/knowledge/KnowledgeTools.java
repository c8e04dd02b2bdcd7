package dev.griddle.server.knowledge;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.tool.ConnectedTools;
import dev.griddle.server.tool.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Offers {@link KnowledgeSearchTool} over the owners' own documents ({@code scope_type runner}
 * and {@code agent}, their ids): an {@code llm} step that names {@code knowledge_search} in its
 * {@code tools} gets it always; a thread, which is offered everything, only when its owners have
 * a document (so a model is not handed a tool that can find nothing).
 */
@Component
class KnowledgeTools implements ConnectedTools {

    private final ScopeAccess access;
    private final KnowledgeRanking ranking;
    private final KnowledgeProperties props;
    private final JdbcClient jdbc;

    KnowledgeTools(ScopeAccess access, KnowledgeRanking ranking, KnowledgeProperties props, JdbcClient jdbc) {
        this.access = access;
        this.ranking = ranking;
        this.props = props;
        this.jdbc = jdbc;
    }

    @Override
    public Optional<Tool> find(UUID orgId, String name, List<Owner> owners) {
        if (!KnowledgeSearchTool.NAME.equals(name)) {
            return Optional.empty();
        }
        return Optional.of(new KnowledgeSearchTool(orgId, scopes(orgId, owners), ranking, props.maxTopK()));
    }

    @Override
    public Map<String, Tool> all(UUID orgId, List<Owner> owners) {
        List<Scope> scopes = scopes(orgId, owners);
        boolean any = !scopes.isEmpty() && jdbc.sql("""
                select exists (select 1 from knowledge_documents where org_id = :org and scope_type in ('runner', 'agent') and scope_id = any(:ids))
                """).param("org", orgId).param("ids", scopes.stream().map(Scope::id).toArray(UUID[]::new)).query(Boolean.class).single();
        return any ? Map.of(KnowledgeSearchTool.NAME, new KnowledgeSearchTool(orgId, scopes, ranking, props.maxTopK())) : Map.of();
    }

    /** The owners' own scopes as they are now (an owner deleted meanwhile has none). */
    private List<Scope> scopes(UUID orgId, List<Owner> owners) {
        List<Scope> out = new ArrayList<>();
        for (Owner owner : owners) {
            ScopeType type = "agent".equals(owner.kind()) ? ScopeType.AGENT : ScopeType.RUNNER;
            access.visible(orgId, ProjectScope.ALL, type, owner.id()).ifPresent(out::add);
        }
        return out;
    }
}

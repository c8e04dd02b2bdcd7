package dev.griddle.server.knowledge;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.tool.ConnectedTools;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * What a step or turn searches on behalf of its owners (the runner, and the agent when there is
 * one): each owner's own documents, then the scopes it is connected to, runner first, each scope
 * once (the merge: combined, as MCP servers and integrations are). A connected scope counts only
 * while the owner's project sees it, read now: one left behind by a move of the owner, or of the
 * agent or runner it names, to another project is skipped, as one deleted is gone with its link.
 * The one place that rule lives, for {@code knowledge_search} and the {@code retrieve} step alike.
 */
@Component
class OwnerScopes {

    private final ScopeAccess access;
    private final KnowledgeConnectionStore connections;

    OwnerScopes(ScopeAccess access, KnowledgeConnectionStore connections) {
        this.access = access;
        this.connections = connections;
    }

    /** Own and connected scopes of the owners as they are now; an owner deleted meanwhile has none. */
    List<Scope> of(UUID orgId, List<ConnectedTools.Owner> owners) {
        Set<Scope> out = new LinkedHashSet<>();
        for (ConnectedTools.Owner owner : owners) {
            ScopeType type = "agent".equals(owner.kind()) ? ScopeType.AGENT : ScopeType.RUNNER;
            Optional<Scope> own = access.visible(orgId, ProjectScope.ALL, type, owner.id());
            if (own.isEmpty()) {
                continue;
            }
            out.add(own.get());
            out.addAll(connected(orgId, own.get()));
        }
        return new ArrayList<>(out);
    }

    /** The scopes {@code owner} (a runner or agent scope, as looked up now) is connected to that its project sees now. */
    List<Scope> connected(UUID orgId, Scope owner) {
        ProjectScope reach = ProjectScope.ofOwner(owner.ownerProject());
        return connections.connected(orgId, owner.type().wireName(), owner.id()).stream()
                .filter(scope -> scope.type() == ScopeType.ORG || reach.sees(scope.ownerProject())).toList();
    }
}

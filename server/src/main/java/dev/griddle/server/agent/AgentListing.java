package dev.griddle.server.agent;

import dev.griddle.server.auth.ProjectScope;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Agents as other ways in show them (MCP tools, A2A agent cards): names and descriptions, never credentials. */
@Component
public class AgentListing {

    public record Listed(UUID id, UUID projectId, String name, String description, String model) {
    }

    private final AgentStore agents;

    AgentListing(AgentStore agents) {
        this.agents = agents;
    }

    /** The first {@code limit} agents of the organization within {@code scope}, oldest first (a stable order). */
    public List<Listed> visible(UUID orgId, ProjectScope scope, int limit) {
        return agents.visible(orgId, scope, limit).stream().map(AgentListing::listed).toList();
    }

    /** The agent, when it is the organization's and within {@code scope}. */
    public Optional<Listed> find(UUID orgId, ProjectScope scope, UUID agentId) {
        return agents.find(orgId, agentId).filter(a -> scope.sees(a.projectId())).map(AgentListing::listed);
    }

    private static Listed listed(Agent a) {
        return new Listed(a.id(), a.projectId(), a.name(), a.description(), a.model());
    }
}

package dev.griddle.server.agent;

import dev.griddle.server.auth.ProjectMembers;
import dev.griddle.server.llm.Agents;
import dev.griddle.server.secret.SecretBox;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Agents as other features see them: {@code llm} steps (with decrypted own keys) and project members. */
@Component
class AgentDirectory implements Agents, ProjectMembers {

    private final AgentStore agents;
    private final SecretBox box;
    private final JsonMapper json;

    AgentDirectory(AgentStore agents, SecretBox box, JsonMapper json) {
        this.agents = agents;
        this.box = box;
        this.json = json;
    }

    @Override
    public Optional<Profile> find(UUID orgId, UUID agentId) {
        return agents.find(orgId, agentId).map(a -> new Profile(a.id(), a.projectId(), a.name(), a.model(), a.instructions(), a.temperature(), credentials(a)));
    }

    Map<String, String> credentials(Agent a) {
        Map<String, String> out = new LinkedHashMap<>();
        if (a.credentials() != null) {
            json.readTree(box.decrypt(a.credentials())).properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        }
        return out;
    }

    @Override
    public String kind() {
        return "agents";
    }

    @Override
    public List<Member> members(UUID orgId, UUID projectId) {
        return agents.inProject(orgId, projectId).stream().map(a -> new Member(a.id(), a.name())).toList();
    }
}

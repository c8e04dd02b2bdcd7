package dev.griddle.server.memory;

import dev.griddle.server.tool.ConnectedTools;
import dev.griddle.server.tool.Tool;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * {@code remember} and {@code recall} for an {@code llm} step that names an agent and lists them
 * in its {@code tools}: a run has no user, so they work on the agent's entries without one.
 * Threads do not come through here: their turns are offered the tools of the thread's user
 * (see {@link AgentMemory#tools}).
 */
@Component
class MemoryStepTools implements ConnectedTools {

    private final AgentMemory memory;

    MemoryStepTools(AgentMemory memory) {
        this.memory = memory;
    }

    @Override
    public Optional<Tool> find(UUID orgId, String name, List<Owner> owners) {
        return owners.stream().filter(o -> o.kind().equals("agent")).reduce((first, last) -> last)
                .map(agent -> memory.tools(orgId, agent.id(), null).get(name));
    }

    @Override
    public Map<String, Tool> all(UUID orgId, List<Owner> owners) {
        return Map.of();
    }
}

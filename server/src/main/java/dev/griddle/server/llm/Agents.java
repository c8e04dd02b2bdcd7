package dev.griddle.server.llm;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What an {@code llm} step needs of an agent; implemented by the agent feature. */
public interface Agents {

    /** An agent's settings; {@code credentials} holds its own provider keys ({@code openai_api_key}, ...), decrypted. */
    record Profile(UUID id, UUID projectId, String name, String model, String instructions, Double temperature, Map<String, String> credentials) {
    }

    Optional<Profile> find(UUID orgId, UUID agentId);
}

package dev.griddle.sdk;

import dev.griddle.sdk.AgentModels.Agent;
import dev.griddle.sdk.AgentModels.AgentInput;
import dev.griddle.sdk.AgentModels.Credentials;
import java.util.Map;
import java.util.UUID;

/** {@code /api/v1/agents}: a model, instructions and connections, used by llm steps and threads. */
public final class AgentsClient {

    private final Transport http;

    AgentsClient(Transport http) {
        this.http = http;
    }

    /** {@code /api/v1/agents/{id}/memory}: what agents remember, per user. */
    public MemoryClient memory() {
        return new MemoryClient(http);
    }

    public Agent create(AgentInput agent) {
        return http.call("POST", "/api/v1/agents", agent, Agent.class);
    }

    public Page<Agent> list(PageRequest page) {
        return http.page("/api/v1/agents?" + page.query(), Agent.class);
    }

    public Agent get(UUID id) {
        return http.call("GET", "/api/v1/agents/" + id, null, Agent.class);
    }

    /** Only the fields given (non-null) change. */
    public Agent update(UUID id, AgentInput changes) {
        return http.call("PATCH", "/api/v1/agents/" + id, changes, Agent.class);
    }

    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/agents/" + id, null, Map.of());
    }

    /** Which provider keys the agent has: {@code {openai_api_key: true|false, ...}}; keys are never returned. */
    @SuppressWarnings("unchecked")
    public Map<String, Boolean> credentials(UUID id) {
        return http.call("GET", "/api/v1/agents/" + id + "/credentials", null, Map.class);
    }

    /** A null key is left as it is, an empty string removes it; stored encrypted. */
    @SuppressWarnings("unchecked")
    public Map<String, Boolean> putCredentials(UUID id, Credentials keys) {
        return http.call("PUT", "/api/v1/agents/" + id + "/credentials", keys, Map.class);
    }
}

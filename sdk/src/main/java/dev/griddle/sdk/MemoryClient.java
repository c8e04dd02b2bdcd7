package dev.griddle.sdk;

import dev.griddle.sdk.AgentModels.Items;
import dev.griddle.sdk.AgentModels.MemoryEntry;
import dev.griddle.sdk.AgentModels.MemoryHit;
import dev.griddle.sdk.AgentModels.MemoryInput;
import dev.griddle.sdk.AgentModels.MemoryQuery;
import dev.griddle.sdk.AgentModels.MemorySettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;

/** {@code /api/v1/agents/{id}/memory}: an agent's memory entries, per user; search fuses full text and vectors like knowledge search. */
public final class MemoryClient {

    private final Transport http;

    MemoryClient(Transport http) {
        this.http = http;
    }

    public MemoryEntry remember(UUID agentId, MemoryInput entry) {
        return http.call("POST", base(agentId), entry, MemoryEntry.class);
    }

    /** Newest first; {@code user} null lists every user's entries. */
    public Page<MemoryEntry> list(UUID agentId, String user, PageRequest page) {
        return http.page(base(agentId) + "?" + (user == null ? "" : "user=" + encode(user) + "&") + page.query(), MemoryEntry.class);
    }

    public List<MemoryHit> search(UUID agentId, MemoryQuery query) {
        return http.call("POST", base(agentId) + "/search", query, new TypeReference<Items<MemoryHit>>() {
        }).data();
    }

    public void forget(UUID agentId, UUID entryId) {
        http.send("DELETE", base(agentId) + "/" + entryId, null, Map.of());
    }

    /** Deletes every entry of {@code user}; how many there were. */
    public int forgetUser(UUID agentId, String user) {
        return http.call("DELETE", base(agentId) + "?user=" + encode(user), null, new TypeReference<Map<String, Integer>>() {
        }).get("deleted");
    }

    public MemorySettings settings(UUID agentId) {
        return http.call("GET", base(agentId) + "/settings", null, MemorySettings.class);
    }

    public MemorySettings putSettings(UUID agentId, MemorySettings settings) {
        return http.call("PUT", base(agentId) + "/settings", settings, MemorySettings.class);
    }

    private static String base(UUID agentId) {
        return "/api/v1/agents/" + agentId + "/memory";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

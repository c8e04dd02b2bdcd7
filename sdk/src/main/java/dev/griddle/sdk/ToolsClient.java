package dev.griddle.sdk;

import dev.griddle.sdk.AgentModels.Items;
import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.ConnectionModels.Tool;
import dev.griddle.sdk.ConnectionModels.ToolInput;
import dev.griddle.sdk.ConnectionModels.ToolLink;
import dev.griddle.sdk.ConnectionModels.WebSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;

/**
 * {@code /api/v1/tools} (custom HTTP tools), their attachments to runners and agents, and the
 * {@code web} setting that switches the built-in web tools on.
 */
public final class ToolsClient {

    private final Transport http;

    ToolsClient(Transport http) {
        this.http = http;
    }

    public Tool create(ToolInput tool) {
        return http.call("POST", "/api/v1/tools", tool, Tool.class);
    }

    public Page<Tool> list(PageRequest page) {
        return http.page("/api/v1/tools?" + page.query(), Tool.class);
    }

    public Tool get(UUID id) {
        return http.call("GET", "/api/v1/tools/" + id, null, Tool.class);
    }

    /** Only the fields given (non-null) change. */
    public Tool update(UUID id, ToolInput changes) {
        return http.call("PATCH", "/api/v1/tools/" + id, changes, Tool.class);
    }

    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/tools/" + id, null, Map.of());
    }

    /** {@code allowed} false keeps the link but forbids the tool. */
    public ToolLink attach(Owner owner, UUID toolId, boolean allowed) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tool_id", toolId);
        body.put("allowed", allowed);
        return http.call("POST", owner.path() + "/tools", body, ToolLink.class);
    }

    public List<ToolLink> attached(Owner owner) {
        return http.call("GET", owner.path() + "/tools", null, new TypeReference<Items<ToolLink>>() {
        }).data();
    }

    public void detach(Owner owner, UUID toolId) {
        http.send("DELETE", owner.path() + "/tools", Map.of("tool_id", toolId), Map.of());
    }

    /** The owner's web setting, defaults filled in. */
    public WebSettings web(Owner owner) {
        return http.call("GET", owner.path() + "/web", null, WebSettings.class);
    }

    /** Replaces the owner's web setting; switches left null take their default. */
    public WebSettings putWeb(Owner owner, WebSettings settings) {
        return http.call("PUT", owner.path() + "/web", settings, WebSettings.class);
    }
}

package dev.griddle.sdk;

import dev.griddle.sdk.TriggerModels.ApplyResult;
import java.util.Map;

/**
 * {@code POST /api/v1/apply}: upserts a bundle (integrations, MCP servers, tools, skills, agents, runners with their triggers,
 * connections and budget) by name, in one transaction; names inside the bundle are resolved to ids.
 */
public final class ApplyClient {

    private final Transport http;

    ApplyClient(Transport http) {
        this.http = http;
    }

    /** Applies a JSON bundle. */
    public ApplyResult json(String bundle, boolean dryRun) {
        return send(bundle, "application/json", dryRun);
    }

    /** Applies a YAML bundle. */
    public ApplyResult yaml(String bundle, boolean dryRun) {
        return send(bundle, "application/yaml", dryRun);
    }

    private ApplyResult send(String bundle, String contentType, boolean dryRun) {
        RawResponse response = http.raw("POST", "/api/v1/apply" + (dryRun ? "?dry_run=true" : ""), bundle, contentType, Map.of());
        if (response.status() >= 400) {
            throw Transport.error(response);
        }
        return Transport.JSON.readValue(response.body(), ApplyResult.class);
    }
}

package dev.griddle.server.tool;

import dev.griddle.server.expr.Expressions;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Finds the tools of an organization by id or name, ready to call. */
@Component
public class ToolRegistry {

    private final ToolStore store;
    private final Expressions expressions;
    private final JsonMapper json;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final OutboundGuard guard;

    ToolRegistry(ToolStore store, Expressions expressions, JsonMapper json, OutboundGuard guard) {
        this.guard = guard;
        this.store = store;
        this.expressions = expressions;
        this.json = json;
    }

    public Optional<Tool> byId(UUID orgId, UUID id) {
        return store.find(orgId, id).map(this::tool);
    }

    public Optional<Tool> byName(UUID orgId, String name) {
        return store.findByName(orgId, name).map(this::tool);
    }

    /** Whether the organization has a tool with this id (for attaching it). */
    public boolean exists(UUID orgId, UUID id) {
        return store.find(orgId, id).isPresent();
    }

    private Tool tool(StoredTool t) {
        return new HttpTool(t, expressions, http, json, guard);
    }
}

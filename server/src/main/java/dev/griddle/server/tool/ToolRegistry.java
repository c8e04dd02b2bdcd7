package dev.griddle.server.tool;

import dev.griddle.server.expr.Expressions;
import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.secret.OrgSecrets;
import dev.griddle.server.secret.SecretMasking;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
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
    private final ObjectProvider<ConnectedTools> connected;
    private final OrgSecrets secrets;
    private final SecretMasking masking;
    private final long maxBodyBytes;

    ToolRegistry(ToolStore store, Expressions expressions, JsonMapper json, OutboundGuard guard, ObjectProvider<ConnectedTools> connected,
            OrgSecrets secrets, SecretMasking masking, dev.griddle.server.GriddleProperties props) {
        this.maxBodyBytes = props.engine().maxStepOutput().toBytes();
        this.secrets = secrets;
        this.masking = masking;
        this.guard = guard;
        this.connected = connected;
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

    /** A tool that the owners' connections provide (a database integration's, say), found by the name models call it by. */
    public Optional<Tool> connected(UUID orgId, String name, List<ConnectedTools.Owner> owners) {
        return connected.orderedStream().map(c -> c.find(orgId, name, owners)).flatMap(Optional::stream).findFirst();
    }

    /** Every tool the owners' connections provide (MCP servers, database integrations, web tools), by name; the first provider wins a clash. */
    public Map<String, Tool> allConnected(UUID orgId, List<ConnectedTools.Owner> owners) {
        Map<String, Tool> out = new LinkedHashMap<>();
        connected.orderedStream().forEach(c -> c.all(orgId, owners).forEach(out::putIfAbsent));
        return out;
    }

    private Tool tool(StoredTool t) {
        return new HttpTool(t, expressions, http, json, guard, secrets, masking, maxBodyBytes);
    }
}

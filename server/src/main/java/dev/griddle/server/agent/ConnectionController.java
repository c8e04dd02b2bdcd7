package dev.griddle.server.agent;

import dev.griddle.server.llm.RunnerAccess;
import dev.griddle.server.tool.ToolRegistry;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The connection sub-resources, alike on runners and agents: {@code tools}, {@code web},
 * {@code plan}, {@code mcps}, {@code integrations}, {@code skills}.
 */
@RestController
class ConnectionController {

    // Explicit paths, not regex variables ({owners:runners|agents}): the OpenAPI document then names
    // every route, and the tenancy matrix (and any client generator) can fill each one.
    private static final String RUNNER = "/api/v1/runners/{id}/";
    private static final String AGENT = "/api/v1/agents/{id}/";

    /** An attachment kind: its id field, its extra field, and the table its ids refer to (checked once it exists). */
    private record Kind(String idField, String extraField, String table) {
    }

    private static final Map<String, Kind> KINDS = Map.of("mcps", new Kind("mcp_server_id", "allowed_tools", "mcp_servers"),
            "integrations", new Kind("integration_id", "allowed_tables", "integrations"), "skills", new Kind("skill_id", null, "skills"));

    private final ConnectionStore connections;
    private final AgentStore agents;
    private final RunnerAccess runners;
    private final ToolRegistry tools;
    private final JsonMapper json;
    private final Clock clock;

    ConnectionController(ConnectionStore connections, AgentStore agents, RunnerAccess runners, ToolRegistry tools, JsonMapper json, Clock clock) {
        this.connections = connections;
        this.agents = agents;
        this.runners = runners;
        this.tools = tools;
        this.json = json;
        this.clock = clock;
    }

    record ToolLinkView(UUID toolId, String name, boolean allowed, Instant createdAt) {
    }

    record ToolLinkBody(UUID toolId, Boolean allowed) {
    }

    record ListOf<T>(List<T> data) {
    }

    @GetMapping({RUNNER + "tools", AGENT + "tools"})
    ListOf<ToolLinkView> tools(Caller caller, HttpServletRequest request, @PathVariable UUID id) {
        Route route = Route.of(request);
        String kind = owner(caller, route.owners(), id);
        return new ListOf<>(connections.tools(caller.orgId(), kind, id).stream()
                .map(t -> new ToolLinkView(t.toolId(), t.name(), t.allowed(), t.createdAt())).toList());
    }

    @PostMapping({RUNNER + "tools", AGENT + "tools"})
    ResponseEntity<ToolLinkView> attachTool(Caller caller, HttpServletRequest request, @PathVariable UUID id, @RequestBody ToolLinkBody body) {
        Route route = Route.of(request);
        String kind = owner(caller, route.owners(), id);
        if (body.toolId() == null) {
            throw ApiException.fieldErrors(Map.of("tool_id", List.of("required")));
        }
        if (!tools.exists(caller.orgId(), body.toolId())) {
            throw ApiException.fieldErrors(Map.of("tool_id", List.of("no tool '" + body.toolId() + "' in this organization")));
        }
        connections.putTool(caller.orgId(), kind, id, body.toolId(), body.allowed() == null || body.allowed(), clock.instant());
        ToolLinkView view = connections.tools(caller.orgId(), kind, id).stream().filter(t -> t.toolId().equals(body.toolId()))
                .map(t -> new ToolLinkView(t.toolId(), t.name(), t.allowed(), t.createdAt())).findFirst().orElseThrow();
        return ResponseEntity.created(URI.create("/api/v1/" + route.owners() + "/" + id + "/tools")).body(view);
    }

    @DeleteMapping({RUNNER + "tools", AGENT + "tools"})
    ResponseEntity<Void> detachTool(Caller caller, HttpServletRequest request, @PathVariable UUID id, @RequestBody ToolLinkBody body) {
        Route route = Route.of(request);
        String kind = owner(caller, route.owners(), id);
        if (body.toolId() == null) {
            throw ApiException.fieldErrors(Map.of("tool_id", List.of("required")));
        }
        if (!connections.removeTool(caller.orgId(), kind, id, body.toolId())) {
            throw ApiException.notFound("Tool " + body.toolId() + " is not attached to " + id);
        }
        return ResponseEntity.noContent().build();
    }

    @GetMapping({RUNNER + "web", RUNNER + "plan", AGENT + "web", AGENT + "plan"})
    JsonNode setting(Caller caller, HttpServletRequest request, @PathVariable UUID id) {
        Route route = Route.of(request);
        String setting = route.leaf();
        String kind = owner(caller, route.owners(), id);
        ObjectNode out = ConnectionSettings.defaults(setting);
        connections.setting(caller.orgId(), kind, id, setting).ifPresent(stored -> out.setAll((ObjectNode) stored));
        return out;
    }

    @PutMapping({RUNNER + "web", RUNNER + "plan", AGENT + "web", AGENT + "plan"})
    JsonNode putSetting(Caller caller, HttpServletRequest request, @PathVariable UUID id, @RequestBody JsonNode body) {
        Route route = Route.of(request);
        String setting = route.leaf();
        String kind = owner(caller, route.owners(), id);
        FieldErrors errors = new FieldErrors();
        ObjectNode value = ConnectionSettings.from(setting, body, "", errors);
        errors.throwIfAny();
        connections.putSetting(caller.orgId(), kind, id, setting, value, clock.instant());
        return value;
    }

    @GetMapping({RUNNER + "mcps", RUNNER + "integrations", RUNNER + "skills", AGENT + "mcps", AGENT + "integrations", AGENT + "skills"})
    ListOf<JsonNode> attachments(Caller caller, HttpServletRequest request, @PathVariable UUID id) {
        Route route = Route.of(request);
        String what = route.leaf();
        String kind = owner(caller, route.owners(), id);
        return new ListOf<>(connections.attachments(caller.orgId(), kind, id, what).stream().map(a -> view(what, a)).toList());
    }

    @PostMapping({RUNNER + "mcps", RUNNER + "integrations", RUNNER + "skills", AGENT + "mcps", AGENT + "integrations", AGENT + "skills"})
    ResponseEntity<JsonNode> attach(Caller caller, HttpServletRequest request, @PathVariable UUID id, @RequestBody JsonNode body) {
        Route route = Route.of(request);
        String what = route.leaf();
        String kind = owner(caller, route.owners(), id);
        Kind k = KINDS.get(what);
        UUID ref = refId(body, k);
        if (connections.tableExists(k.table()) && !connections.rowExists(k.table(), caller.orgId(), ref)) {
            throw ApiException.fieldErrors(Map.of(k.idField(), List.of("no " + k.table() + " row '" + ref + "' in this organization")));
        }
        FieldErrors errors = new FieldErrors();
        ObjectNode config = AttachmentConfig.of(k.extraField(), body, "", errors);
        errors.throwIfAny();
        connections.attach(caller.orgId(), kind, id, what, ref, config, clock.instant());
        ConnectionStore.Attachment a = connections.attachments(caller.orgId(), kind, id, what).stream().filter(x -> x.refId().equals(ref))
                .findFirst().orElseThrow();
        return ResponseEntity.status(HttpStatus.CREATED).body(view(what, a));
    }

    @DeleteMapping({RUNNER + "mcps", RUNNER + "integrations", RUNNER + "skills", AGENT + "mcps", AGENT + "integrations", AGENT + "skills"})
    ResponseEntity<Void> detach(Caller caller, HttpServletRequest request, @PathVariable UUID id, @RequestBody JsonNode body) {
        Route route = Route.of(request);
        String what = route.leaf();
        String kind = owner(caller, route.owners(), id);
        UUID ref = refId(body, KINDS.get(what));
        if (!connections.detach(caller.orgId(), kind, id, what, ref)) {
            throw ApiException.notFound(ref + " is not attached to " + id);
        }
        return ResponseEntity.noContent().build();
    }

    /** The owner collection ({@code runners} or {@code agents}) and the last segment of the route a request matched. */
    private record Route(String owners, String leaf) {
        static Route of(HttpServletRequest request) {
            String[] parts = ((String) request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)).split("/");
            return new Route(parts[3], parts[parts.length - 1]);
        }
    }

    private JsonNode view(String what, ConnectionStore.Attachment a) {
        ObjectNode out = json.createObjectNode().put(KINDS.get(what).idField(), a.refId().toString());
        out.setAll((ObjectNode) a.config());
        out.put("created_at", a.createdAt().toString());
        return out;
    }

    private static UUID refId(JsonNode body, Kind k) {
        String raw = body == null ? null : body.path(k.idField()).asString(null);
        if (raw == null) {
            throw ApiException.fieldErrors(Map.of(k.idField(), List.of("required")));
        }
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApiException.fieldErrors(Map.of(k.idField(), List.of("must be a UUID, was '" + raw + "'")));
        }
    }

    /** Checks the owner is visible to the caller (else 404) and returns its kind. */
    private String owner(Caller caller, String owners, UUID id) {
        if ("runners".equals(owners)) {
            runners.check(caller, id);
            return "runner";
        }
        agents.find(caller.orgId(), id).filter(a -> caller.sees(a.projectId())).orElseThrow(() -> ApiException.notFound("agent", id));
        return "agent";
    }
}

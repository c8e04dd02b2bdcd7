package dev.griddle.server.tool.mcp;

import dev.griddle.server.secret.SecretBox;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.modelcontextprotocol.spec.McpSchema;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** {@code /api/v1/mcp-servers}: MCP servers whose tools models call as {@code <slug>__<tool>}. Headers are write-only. */
@RestController
@RequestMapping("/api/v1/mcp-servers")
class McpServerController {

    record McpServerBody(String name, String slug, String transport, String url, Map<String, String> headers, String command, List<String> args) {
    }

    record McpServerView(UUID id, String name, String slug, String transport, String url, List<String> headerNames, String command,
            List<String> args, Instant createdAt, Instant updatedAt) {
    }

    record ToolView(String name, String description, Object inputSchema) {
        static ToolView of(McpSchema.Tool t) {
            return new ToolView(t.name(), t.description(), t.inputSchema());
        }
    }

    record Validation(boolean ok, List<ToolView> tools, String error) {
    }

    record ToolList(List<ToolView> data) {
    }

    private final McpServerStore store;
    private final McpSessions sessions;
    private final SecretBox secrets;
    private final McpServerChecks checks;
    private final JsonMapper json;
    private final Clock clock;

    McpServerController(McpServerStore store, McpSessions sessions, SecretBox secrets, McpServerChecks checks, JsonMapper json, Clock clock) {
        this.store = store;
        this.sessions = sessions;
        this.secrets = secrets;
        this.checks = checks;
        this.json = json;
        this.clock = clock;
    }

    @Operation(summary = "Register an MCP server",
            description = "{name, slug, transport: streamable_http|sse|stdio, url, headers (write-only), command, args}. Needs a key for "
                    + "all projects.")
    @PostMapping
    ResponseEntity<McpServerView> create(Caller caller, @RequestBody McpServerBody body) {
        caller.requireAllProjects("create MCP servers");
        check(body);
        if (store.nameOrSlugTaken(caller.orgId(), body.name(), body.slug())) {
            throw ApiException.conflict("An MCP server named '" + body.name() + "' or with slug '" + body.slug() + "' already exists");
        }
        Instant now = clock.instant();
        String sealed = body.headers() == null || body.headers().isEmpty() ? null : secrets.encrypt(json.writeValueAsString(body.headers()));
        McpServerRow row = new McpServerRow(UUID.randomUUID(), caller.orgId(), body.name(), body.slug(), body.transport(), body.url(), sealed,
                body.command(), body.args() == null ? List.of() : body.args(), now, now);
        store.insert(row);
        return ResponseEntity.created(URI.create("/api/v1/mcp-servers/" + row.id())).body(view(row));
    }

    @Operation(summary = "List MCP servers", description = "Org-wide: every key of the organization sees them, paged.")
    @GetMapping
    PageQuery.Paged<McpServerView> list(Caller caller, PageQuery page) {
        return page.result(store.list(caller.orgId(), page.perPage(), page.offset()).stream().map(this::view).toList(), store.count(caller.orgId()));
    }

    @Operation(summary = "Get an MCP server", description = "Its settings; header values are never returned.")
    @GetMapping("/{id}")
    McpServerView get(Caller caller, @PathVariable UUID id) {
        return view(find(caller, id));
    }

    /**
     * Fields left out keep their value; {@code headers} replaces all headers ({@code {}} removes them).
     * A {@code url} that points at another origin needs the headers again. The pooled session is reopened.
     */
    @Operation(summary = "Update an MCP server",
            description = "Fields left out keep their value; new headers replace the stored ones. Needs a key for all projects.")
    @PatchMapping("/{id}")
    McpServerView update(Caller caller, @PathVariable UUID id, @RequestBody McpServerBody body) {
        McpServerRow current = find(caller, id);
        caller.requireAllProjects("change MCP servers");
        McpServerBody merged = new McpServerBody(or(body.name(), current.name()), or(body.slug(), current.slug()),
                or(body.transport(), current.transport()), or(body.url(), current.url()), body.headers(), or(body.command(), current.command()),
                body.args() == null ? current.args() : body.args());
        FieldErrors errors = new FieldErrors();
        checks.check(merged, "", errors);
        checks.checkHeadersFollow(current, merged, body.headers() != null, "", errors);
        errors.throwIfAny();
        if (store.nameOrSlugTakenByAnother(caller.orgId(), id, merged.name(), merged.slug())) {
            throw ApiException.conflict("An MCP server named '" + merged.name() + "' or with slug '" + merged.slug() + "' already exists");
        }
        String sealed = body.headers() == null ? current.headersSealed()
                : body.headers().isEmpty() ? null : secrets.encrypt(json.writeValueAsString(body.headers()));
        McpServerRow updated = new McpServerRow(id, caller.orgId(), merged.name(), merged.slug(), merged.transport(), merged.url(), sealed,
                merged.command(), merged.args(), current.createdAt(), clock.instant());
        store.update(updated);
        sessions.evict(id);
        return view(updated);
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }

    @Operation(summary = "Delete an MCP server", description = "Detaches it from every runner and agent. 204. Needs a key for all projects.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        find(caller, id);
        caller.requireAllProjects("delete MCP servers");
        store.delete(caller.orgId(), id);
        sessions.evict(id);
        return ResponseEntity.noContent().build();
    }

    /** Connects on a fresh session and lists the tools; never throws for an unreachable server, says so in {@code error}. */
    @Operation(summary = "Check an MCP server", description = "Connects and lists its tools, changing nothing: {ok, tools, error}.")
    @PostMapping("/{id}/validate")
    Validation validate(Caller caller, @PathVariable UUID id) {
        McpServerRow row = find(caller, id);
        try {
            return new Validation(true, sessions.freshTools(row).stream().map(ToolView::of).toList(), null);
        } catch (RuntimeException e) {
            return new Validation(false, List.of(), e.getMessage() == null ? e.getClass().getSimpleName() : McpUrls.scrub(e.getMessage(), row.url()));
        }
    }

    @Operation(summary = "List the server's tools", description = "Connects to the server and lists its tools with their input schemas.")
    @GetMapping("/{id}/tools")
    ToolList tools(Caller caller, @PathVariable UUID id) {
        McpServerRow row = find(caller, id);
        try {
            return new ToolList(sessions.tools(row).stream().map(ToolView::of).toList());
        } catch (RuntimeException e) {
            throw ApiException.validation("MCP_SERVER_UNREACHABLE", "Cannot list the tools of '" + row.slug() + "': "
                    + McpUrls.scrub(e.getMessage(), row.url()), Map.of());
        }
    }

    private McpServerRow find(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).orElseThrow(() -> ApiException.notFound("mcp server", id));
    }

    private McpServerView view(McpServerRow row) {
        List<String> names = row.headersSealed() == null ? List.of()
                : json.readTree(secrets.decrypt(row.headersSealed())).propertyNames().stream().sorted().toList();
        return new McpServerView(row.id(), row.name(), row.slug(), row.transport(), McpUrls.redacted(row.url()), names, row.command(), row.args(), row.createdAt(),
                row.updatedAt());
    }

    private void check(McpServerBody body) {
        FieldErrors errors = new FieldErrors();
        checks.check(body, "", errors);
        errors.throwIfAny();
    }
}

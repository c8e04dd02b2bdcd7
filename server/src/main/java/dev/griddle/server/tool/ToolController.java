package dev.griddle.server.tool;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
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
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/tools}: custom HTTP tools. Names are unique per organization and are what models call. */
@RestController
@RequestMapping("/api/v1/tools")
class ToolController {

    record ToolBody(String name, String description, JsonNode parameters, JsonNode http) {
    }

    record ToolView(UUID id, String name, String description, JsonNode parameters, JsonNode http, Instant createdAt, Instant updatedAt) {
        static ToolView of(StoredTool t) {
            return new ToolView(t.id(), t.name(), t.description(), t.parameters(), t.http(), t.createdAt(), t.updatedAt());
        }
    }

    private final ToolStore tools;
    private final ToolChecks checks;
    private final Clock clock;

    ToolController(ToolStore tools, ToolChecks checks, Clock clock) {
        this.tools = tools;
        this.checks = checks;
        this.clock = clock;
    }

    @Operation(summary = "Create an HTTP tool",
            description = "{name, description, parameters (JSON Schema), http: {method, url, headers, body}} templated with args.<name> and "
                    + "secrets.<NAME>.")
    @PostMapping
    ResponseEntity<ToolView> create(Caller caller, @RequestBody ToolBody body) {
        caller.requireAllProjects("create tools");
        check(body, true);
        if (tools.findByName(caller.orgId(), body.name()).isPresent()) {
            throw ApiException.conflict("A tool named '" + body.name() + "' already exists");
        }
        Instant now = clock.instant();
        StoredTool tool = new StoredTool(UUID.randomUUID(), caller.orgId(), body.name(), body.description(), body.parameters(), body.http(), now, now);
        tools.insert(tool);
        return ResponseEntity.created(URI.create("/api/v1/tools/" + tool.id())).body(ToolView.of(tool));
    }

    @Operation(summary = "List tools", description = "The organization's custom tools (org-wide: every key of the organization sees them), paged.")
    @GetMapping
    PageQuery.Paged<ToolView> list(Caller caller, PageQuery page) {
        return page.result(tools.list(caller.orgId(), page.perPage(), page.offset()).stream().map(ToolView::of).toList(), tools.count(caller.orgId()));
    }

    @Operation(summary = "Get a tool", description = "Its name, description, parameters and HTTP request template.")
    @GetMapping("/{id}")
    ToolView get(Caller caller, @PathVariable UUID id) {
        return ToolView.of(find(caller, id));
    }

    @Operation(summary = "Update a tool", description = "Fields left out keep their value.")
    @PatchMapping("/{id}")
    ToolView update(Caller caller, @PathVariable UUID id, @RequestBody ToolBody body) {
        StoredTool current = find(caller, id);
        caller.requireAllProjects("change tools");
        check(body, false);
        String name = body.name() == null ? current.name() : body.name();
        if (!name.equals(current.name()) && tools.findByName(caller.orgId(), name).isPresent()) {
            throw ApiException.conflict("A tool named '" + name + "' already exists");
        }
        StoredTool updated = new StoredTool(id, caller.orgId(), name, body.description() == null ? current.description() : body.description(),
                body.parameters() == null ? current.parameters() : body.parameters(), body.http() == null ? current.http() : body.http(),
                current.createdAt(), clock.instant());
        tools.update(updated);
        return ToolView.of(updated);
    }

    @Operation(summary = "Delete a tool", description = "Detaches it from every runner and agent. 204.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        find(caller, id);
        caller.requireAllProjects("delete tools");
        tools.delete(caller.orgId(), id);
        return ResponseEntity.noContent().build();
    }

    private StoredTool find(Caller caller, UUID id) {
        return tools.find(caller.orgId(), id).orElseThrow(() -> ApiException.notFound("tool", id));
    }

    private void check(ToolBody body, boolean creating) {
        FieldErrors errors = new FieldErrors();
        checks.check(body, creating, "", errors);
        errors.throwIfAny();
    }
}

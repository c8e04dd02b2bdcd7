package dev.griddle.server.tool.db;

import dev.griddle.server.secret.SecretBox;
import dev.griddle.server.tool.ToolException;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import java.util.ArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /api/v1/integrations}: databases models may read through {@code <name>__sql_query} and friends. The password is write-only. */
@RestController
@RequestMapping("/api/v1/integrations")
class IntegrationController {

    record IntegrationBody(String name, String kind, String url, String username, String password) {
    }

    record IntegrationView(UUID id, String name, String kind, String url, String username, boolean hasPassword, List<String> tools,
            Instant createdAt, Instant updatedAt) {
        static IntegrationView of(Integration i) {
            return new IntegrationView(i.id(), i.name(), i.kind(), i.url(), i.username(), i.passwordSealed() != null,
                    List.of(i.name() + "__sql_query", i.name() + "__list_tables", i.name() + "__describe_table"), i.createdAt(), i.updatedAt());
        }
    }

    record TablesView(List<JsonNode> data) {
    }

    private static final Set<String> PATCHABLE = Set.of("name", "kind", "url", "username", "password");

    private final IntegrationStore store;
    private final SecretBox secrets;
    private final ReadOnlyDatabase database;
    private final IntegrationChecks checks;
    private final JsonMapper json;
    private final Clock clock;

    IntegrationController(IntegrationStore store, SecretBox secrets, ReadOnlyDatabase database, IntegrationChecks checks, JsonMapper json,
            Clock clock) {
        this.json = json;
        this.store = store;
        this.secrets = secrets;
        this.database = database;
        this.checks = checks;
        this.clock = clock;
    }

    @Operation(summary = "Add a database integration",
            description = "{name, kind: postgresql|mysql|h2, url, username, password (write-only, encrypted at rest)}; always queried "
                    + "read-only. Needs a key for all projects.")
    @PostMapping
    ResponseEntity<IntegrationView> create(Caller caller, @RequestBody IntegrationBody body) {
        caller.requireAllProjects("create integrations");
        check(body);
        if (store.findByName(caller.orgId(), body.name()).isPresent()) {
            throw ApiException.conflict("An integration named '" + body.name() + "' already exists");
        }
        Instant now = clock.instant();
        Integration i = new Integration(UUID.randomUUID(), caller.orgId(), body.name(), body.kind(), body.url(), body.username(),
                body.password() == null ? null : secrets.encrypt(body.password()), now, now);
        requireReadOnly(i);
        store.insert(i);
        return ResponseEntity.created(URI.create("/api/v1/integrations/" + i.id())).body(IntegrationView.of(i));
    }

    @Operation(summary = "List integrations", description = "Org-wide: every key of the organization sees them, paged.")
    @GetMapping
    PageQuery.Paged<IntegrationView> list(Caller caller, PageQuery page) {
        return page.result(store.list(caller.orgId(), page.perPage(), page.offset()).stream().map(IntegrationView::of).toList(),
                store.count(caller.orgId()));
    }

    @Operation(summary = "Get an integration", description = "Its name, kind, url and username; the password is never returned.")
    @GetMapping("/{id}")
    IntegrationView get(Caller caller, @PathVariable UUID id) {
        return IntegrationView.of(find(caller, id));
    }

    /**
     * Fields left out keep their value. {@code password}: a string replaces (rotates) the stored
     * one, {@code null} removes it; {@code username}: likewise. Renaming changes the tool names
     * ({@code <name>__sql_query}); attachments follow the integration, not its name.
     */
    @Operation(summary = "Update an integration",
            description = "Fields left out keep their value; a new password replaces the stored one. Needs a key for all projects.")
    @PatchMapping("/{id}")
    IntegrationView update(Caller caller, @PathVariable UUID id, @RequestBody JsonNode body) {
        Integration current = find(caller, id);
        caller.requireAllProjects("change integrations");
        FieldErrors shape = new FieldErrors();
        if (body == null || !body.isObject()) {
            throw ApiException.fieldErrors(Map.of("body", List.of("must be an object of the fields to change")));
        }
        body.properties().forEach(e -> {
            if (!PATCHABLE.contains(e.getKey())) {
                shape.add(e.getKey(), "unknown field; these can change: " + PATCHABLE.stream().sorted().toList());
            } else if (!e.getValue().isString() && !e.getValue().isNull()) {
                shape.add(e.getKey(), "must be a string" + (Set.of("username", "password").contains(e.getKey()) ? " or null" : ""));
            }
        });
        shape.throwIfAny();
        IntegrationBody merged = new IntegrationBody(text(body, "name", current.name()), text(body, "kind", current.kind()),
                text(body, "url", current.url()), text(body, "username", current.username()), body.path("password").asString(null));
        FieldErrors errors = new FieldErrors();
        checks.check(merged, "", errors);
        checks.checkPasswordFollows(current, merged, body.has("password"), "", errors);
        errors.throwIfAny();
        if (!merged.name().equals(current.name()) && store.findByName(caller.orgId(), merged.name()).isPresent()) {
            throw ApiException.conflict("An integration named '" + merged.name() + "' already exists");
        }
        String sealed = !body.has("password") ? current.passwordSealed() : body.get("password").isNull() ? null : secrets.encrypt(merged.password());
        Integration updated = new Integration(id, caller.orgId(), merged.name(), merged.kind(), merged.url(), merged.username(), sealed,
                current.createdAt(), clock.instant());
        requireReadOnly(updated);
        store.update(updated);
        return IntegrationView.of(updated);
    }

    /** The field's new value when the body has it (null when it is JSON null), else the current value. */
    private static String text(JsonNode body, String field, String current) {
        return !body.has(field) ? current : body.get(field).isNull() ? null : body.get(field).asString();
    }

    @Operation(summary = "Delete an integration", description = "Detaches it from every runner and agent. 204. Needs a key for all projects.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        find(caller, id);
        caller.requireAllProjects("delete integrations");
        store.delete(caller.orgId(), id);
        return ResponseEntity.noContent().build();
    }

    /** Every table of the database (no {@code allowed_tables} here: that belongs to an attachment). */
    @Operation(summary = "List the database's tables",
            description = "Connects read-only and lists the tables and their columns an LLM step may query.")
    @GetMapping("/{id}/tables")
    TablesView tables(Caller caller, @PathVariable UUID id) {
        Integration i = find(caller, id);
        try {
            JsonNode result = new IntegrationTool(new IntegrationStore.Attached(i, null), IntegrationTool.Verb.LIST_TABLES, database, json)
                    .call(json.createObjectNode(), null);
            List<JsonNode> tables = new ArrayList<>();
            result.path("tables").forEach(tables::add);
            return new TablesView(tables);
        } catch (ToolException e) {
            throw ApiException.validation("INTEGRATION_UNREACHABLE", "Cannot list the tables of '" + i.name() + "': " + e.getMessage(), Map.of());
        }
    }

    private Integration find(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).orElseThrow(() -> ApiException.notFound("integration", id));
    }

    private void requireReadOnly(Integration candidate) {
        FieldErrors errors = new FieldErrors();
        checks.checkH2ReadOnly(candidate, "", errors);
        errors.throwIfAny();
    }

    private void check(IntegrationBody body) {
        FieldErrors errors = new FieldErrors();
        checks.check(body, "", errors);
        errors.throwIfAny();
    }
}

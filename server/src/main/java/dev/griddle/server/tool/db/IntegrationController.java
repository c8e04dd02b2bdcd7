package dev.griddle.server.tool.db;

import dev.griddle.server.secret.SecretBox;
import dev.griddle.server.tool.ToolException;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
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

    @PostMapping
    ResponseEntity<IntegrationView> create(Caller caller, @RequestBody IntegrationBody body) {
        check(body);
        if (store.findByName(caller.orgId(), body.name()).isPresent()) {
            throw ApiException.conflict("An integration named '" + body.name() + "' already exists");
        }
        Instant now = clock.instant();
        Integration i = new Integration(UUID.randomUUID(), caller.orgId(), body.name(), body.kind(), body.url(), body.username(),
                body.password() == null ? null : secrets.encrypt(body.password()), now, now);
        store.insert(i);
        return ResponseEntity.created(URI.create("/api/v1/integrations/" + i.id())).body(IntegrationView.of(i));
    }

    @GetMapping
    PageQuery.Paged<IntegrationView> list(Caller caller, PageQuery page) {
        return page.result(store.list(caller.orgId(), page.perPage(), page.offset()).stream().map(IntegrationView::of).toList(),
                store.count(caller.orgId()));
    }

    @GetMapping("/{id}")
    IntegrationView get(Caller caller, @PathVariable UUID id) {
        return IntegrationView.of(find(caller, id));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        find(caller, id);
        store.delete(caller.orgId(), id);
        return ResponseEntity.noContent().build();
    }

    /** Every table of the database (no {@code allowed_tables} here: that belongs to an attachment). */
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

    private void check(IntegrationBody body) {
        FieldErrors errors = new FieldErrors();
        checks.check(body, "", errors);
        errors.throwIfAny();
    }
}

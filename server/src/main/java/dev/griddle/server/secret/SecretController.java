package dev.griddle.server.secret;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Audit;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/secrets}: the organization's secrets, read by templates as {@code secrets.NAME}.
 * Values go in and never come out: responses carry names, {@code project_ids} and timestamps only.
 * Every key of the organization may read those (viewer keys too: the role rules of
 * {@code AuthFilter}); a key limited to projects may write only secrets limited to some of its
 * projects, before and after the write ({@code 403} otherwise).
 */
@RestController
@RequestMapping("/api/v1/secrets")
public class SecretController {

    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final int MAX_VALUE_BYTES = 64 * 1024;

    /** {@code project_ids}: the projects whose runs may use the secret; empty = every project. */
    public record SecretView(String name, List<UUID> projectIds, Instant createdAt, Instant updatedAt) {
        static SecretView of(SecretStore.Entry e) {
            return new SecretView(e.name(), e.projectIds(), e.createdAt(), e.updatedAt());
        }
    }

    private final SecretStore store;
    private final SecretBox box;
    private final OrgSecrets secrets;
    private final Clock clock;

    SecretController(SecretStore store, SecretBox box, OrgSecrets secrets, Clock clock) {
        this.store = store;
        this.box = box;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Operation(summary = "List secrets", description = "Names and timestamps only; values are never returned.")
    @GetMapping
    public PageQuery.Paged<SecretView> list(Caller caller, PageQuery page) {
        return page.result(store.list(caller.orgId(), page.perPage(), page.offset()).stream().map(SecretView::of).toList(),
                store.count(caller.orgId()));
    }

    @Operation(summary = "Get a secret's metadata", description = "Its name, projects and timestamps; never the value.")
    @GetMapping("/{name}")
    SecretView get(Caller caller, @PathVariable String name) {
        checkName(name);
        return store.find(caller.orgId(), name).map(SecretView::of).orElseThrow(() -> ApiException.notFound("No secret named '" + name + "'"));
    }

    /**
     * {@code 201} when the secret is new, {@code 200} when it was replaced. {@code project_ids}
     * left out keeps the current ones (none for a new secret: every project).
     */
    @Operation(summary = "Create or replace a secret",
            description = "{value, project_ids?}; encrypted at rest, never returned. Needs a key for all projects.")
    @PutMapping("/{name}")
    ResponseEntity<SecretView> put(Caller caller, @PathVariable String name, @RequestBody(required = false) JsonNode body) {
        checkName(name);
        JsonNode value = body == null ? null : body.get("value");
        FieldErrors errors = new FieldErrors();
        List<UUID> projectIds = projectIds(caller, body == null ? null : body.get("project_ids"), errors);
        if (value == null || value.isNull()) {
            errors.add("value", "is required");
        } else if (!value.isString()) {
            errors.add("value", "must be a string");
        } else if (value.asString().isEmpty()) {
            errors.add("value", "must not be empty");
        } else if (value.asString().getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
            errors.add("value", "must be at most " + MAX_VALUE_BYTES + " bytes (UTF-8)");
        }
        errors.throwIfAny();
        Optional<SecretStore.Entry> current = store.find(caller.orgId(), name);
        List<UUID> granted = projectIds != null ? projectIds : current.map(SecretStore.Entry::projectIds).orElse(List.of());
        current.ifPresent(c -> requireWritable(caller, name, c.projectIds()));
        requireWritable(caller, name, granted);
        SecretStore.Upserted done = store.upsert(caller.orgId(), name, box.encrypt(value.asString()), granted, clock.instant());
        secrets.invalidate(caller.orgId());
        Audit.record(caller, done.created() ? "secret.create" : "secret.update", name);
        return ResponseEntity.status(done.created() ? HttpStatus.CREATED : HttpStatus.OK).body(SecretView.of(done.entry()));
    }

    @Operation(summary = "Delete a secret", description = "Runs that need it fail from now on. 204. Needs a key for all projects.")
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String name) {
        checkName(name);
        SecretStore.Entry current = store.find(caller.orgId(), name).orElseThrow(() -> ApiException.notFound("No secret named '" + name + "'"));
        requireWritable(caller, name, current.projectIds());
        if (!store.delete(caller.orgId(), name)) {
            throw ApiException.notFound("No secret named '" + name + "'");
        }
        secrets.invalidate(caller.orgId());
        Audit.record(caller, "secret.delete", name);
        return ResponseEntity.noContent().build();
    }

    /**
     * A key limited to projects writes only secrets limited to its projects: one available to every
     * project (or to another project too) would let it change what other projects' runs send.
     */
    private static void requireWritable(Caller caller, String name, List<UUID> projectIds) {
        if (caller.allProjects()) {
            return;
        }
        if (projectIds.isEmpty() || !caller.projectIds().containsAll(projectIds)) {
            throw ApiException.forbidden("This key is limited to projects " + caller.projectIds().stream().sorted().toList() + "; secret '" + name
                    + "' " + (projectIds.isEmpty() ? "is available to every project" : "is available to projects " + projectIds)
                    + ". Give project_ids within the key's projects, or use a key for all projects");
        }
    }

    /** The {@code project_ids} of a PUT: null when left out; each must be a project of the organization. */
    private List<UUID> projectIds(Caller caller, JsonNode node, FieldErrors errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            errors.add("project_ids", "must be a list of project ids");
            return null;
        }
        Set<UUID> ids = new TreeSet<>();
        for (JsonNode id : node) {
            try {
                ids.add(UUID.fromString(id.asString("")));
            } catch (IllegalArgumentException e) {
                errors.add("project_ids", "must be project ids, was '" + id.asString(id.toString()) + "'");
                return null;
            }
        }
        List<UUID> list = List.copyOf(ids);
        // outside a limited key's projects the answer is the 403 of requireWritable, never whether such a project exists
        if (!list.isEmpty() && (caller.allProjects() || caller.projectIds().containsAll(list)) && store.projectsFound(caller.orgId(), list) != list.size()) {
            errors.add("project_ids", "must be projects of this organization, was " + list);
        }
        return list;
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw ApiException.validation("Secret name '" + (name.length() > 140 ? name.substring(0, 137) + "..." : name)
                    + "' is invalid: it must match [A-Za-z_][A-Za-z0-9_]{0,127}");
        }
    }
}

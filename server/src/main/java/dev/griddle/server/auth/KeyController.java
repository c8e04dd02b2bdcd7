package dev.griddle.server.auth;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Audit;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.web.RevealsSecret;
import dev.griddle.server.web.Role;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/keys}: admin only (the auth filter's role rules, and each handler again). An
 * admin key limited to some projects sees, and may revoke, only keys limited to projects among its
 * own; any other key is a 404 to it.
 */
@RestController
@RequestMapping("/api/v1/keys")
public class KeyController {

    record CreateKey(String name, String role, List<UUID> projectIds, Instant expiresAt) {
    }

    private final ApiKeyStore keys;
    private final ProjectStore projects;
    private final Clock clock;
    private final KeyAuthenticator authenticator;

    KeyController(ApiKeyStore keys, ProjectStore projects, Clock clock, KeyAuthenticator authenticator) {
        this.authenticator = authenticator;
        this.keys = keys;
        this.projects = projects;
        this.clock = clock;
    }

    @Operation(summary = "Create an API key",
            description = "{name, role: admin|contributor|viewer|worker, project_ids?, expires_at?}; the response alone holds the secret "
                    + "(never stored in plain text, never replayed). Admin only.")
    @PostMapping
    @RevealsSecret
    ResponseEntity<ApiKey> create(Caller caller, @RequestBody CreateKey body) {
        caller.requireAdmin("manage API keys");
        Instant now = clock.instant();
        FieldErrors errors = new FieldErrors().required("name", body.name()).maxLength("name", body.name(), 200).required("role", body.role());
        Role role = body.role() == null ? null : Role.fromWire(body.role());
        if (body.role() != null && role == null) {
            errors.add("role", "must be one of admin, contributor, viewer, worker; was '" + body.role() + "'");
        }
        if (body.expiresAt() != null && !body.expiresAt().isAfter(now)) {
            errors.add("expires_at", "must be in the future");
        }
        Set<UUID> projectIds = body.projectIds() == null ? null : new LinkedHashSet<>(body.projectIds());
        if (projectIds != null) {
            if (projectIds.contains(null)) {
                errors.add("project_ids", "must not contain null");
            } else if (projectIds.isEmpty()) {
                errors.add("project_ids", "must not be empty; omit it for a key that reaches every project");
            } else {
                for (UUID projectId : projectIds) {
                    if (projects.find(caller.orgId(), projectId).isEmpty()) {
                        errors.add("project_ids", "no project with id '" + projectId + "'");
                    }
                }
            }
        }
        errors.throwIfAny();
        if (!caller.allProjects() && (projectIds == null || !caller.projectIds().containsAll(projectIds))) {
            throw ApiException.forbidden("A key limited to some projects may only create keys limited to those projects");
        }
        String secret = KeySecrets.generate();
        UUID id = UUID.randomUUID();
        keys.insert(id, caller.orgId(), body.name().strip(), role, projectIds, secret, false, body.expiresAt(), now);
        ApiKey created = keys.find(caller.orgId(), id).orElseThrow().view().withSecret(secret);
        Audit.record(caller, "key.create", id, auditFields(role, projectIds));
        return ResponseEntity.created(URI.create("/api/v1/keys/" + id)).body(created);
    }

    @Operation(summary = "List API keys", description = "The organization's keys, paged; never their secrets. Admin only.")
    @GetMapping
    public PageQuery.Paged<ApiKey> list(Caller caller, PageQuery page) {
        caller.requireAdmin("manage API keys");
        return page.result(keys.list(caller, page).stream().map(ApiKeyStore.Row::view).toList(), keys.count(caller));
    }

    @Operation(summary = "Get an API key", description = "Its name, role, projects, prefix, expiry and revocation; never the secret. Admin only.")
    @GetMapping("/{id}")
    ApiKey get(Caller caller, @PathVariable UUID id) {
        caller.requireAdmin("manage API keys");
        return keys.visible(caller, id).map(ApiKeyStore.Row::view).orElseThrow(() -> ApiException.notFound("API key", id));
    }

    @Operation(summary = "Revoke an API key", description = "The key stops working at once, on every node. 204. Admin only.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> revoke(Caller caller, @PathVariable UUID id) {
        caller.requireAdmin("manage API keys");
        if (!keys.revoke(caller, id, clock.instant())) {
            throw ApiException.notFound("API key", id);
        }
        authenticator.forget(id);
        Audit.record(caller, "key.revoke", id);
        return ResponseEntity.noContent().build();
    }

    private static Map<String, Object> auditFields(Role role, Set<UUID> projectIds) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("role", role.wireName());
        fields.put("project_ids", projectIds == null ? "all" : projectIds.stream().map(UUID::toString).collect(Collectors.joining(",")));
        return fields;
    }
}

package dev.griddle.server.secret;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Audit;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
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
 * Values go in and never come out: responses carry names and timestamps only. Viewer keys may list
 * (the role rules of {@code AuthFilter}), not write.
 */
@RestController
@RequestMapping("/api/v1/secrets")
class SecretController {

    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final int MAX_VALUE_BYTES = 64 * 1024;

    record SecretView(String name, Instant createdAt, Instant updatedAt) {
        static SecretView of(SecretStore.Entry e) {
            return new SecretView(e.name(), e.createdAt(), e.updatedAt());
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

    @GetMapping
    PageQuery.Paged<SecretView> list(Caller caller, PageQuery page) {
        return page.result(store.list(caller.orgId(), page.perPage(), page.offset()).stream().map(SecretView::of).toList(),
                store.count(caller.orgId()));
    }

    /** {@code 201} when the secret is new, {@code 200} when its value was replaced. */
    @PutMapping("/{name}")
    ResponseEntity<SecretView> put(Caller caller, @PathVariable String name, @RequestBody(required = false) JsonNode body) {
        checkName(name);
        JsonNode value = body == null ? null : body.get("value");
        FieldErrors errors = new FieldErrors();
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
        SecretStore.Upserted done = store.upsert(caller.orgId(), name, box.encrypt(value.asString()), clock.instant());
        secrets.invalidate(caller.orgId());
        Audit.record(caller, done.created() ? "secret.create" : "secret.update", name);
        return ResponseEntity.status(done.created() ? HttpStatus.CREATED : HttpStatus.OK).body(SecretView.of(done.entry()));
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String name) {
        checkName(name);
        if (!store.delete(caller.orgId(), name)) {
            throw ApiException.notFound("No secret named '" + name + "'");
        }
        secrets.invalidate(caller.orgId());
        Audit.record(caller, "secret.delete", name);
        return ResponseEntity.noContent().build();
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw ApiException.validation("Secret name '" + (name.length() > 140 ? name.substring(0, 137) + "..." : name)
                    + "' is invalid: it must match [A-Za-z_][A-Za-z0-9_]{0,127}");
        }
    }
}

package dev.griddle.server.tool.mcp;

import dev.griddle.server.apply.Action;
import dev.griddle.server.apply.Applied;
import dev.griddle.server.apply.Bundle;
import dev.griddle.server.apply.BundleSection;
import dev.griddle.server.apply.Planned;
import dev.griddle.server.secret.SecretBox;
import dev.griddle.server.web.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code mcp_servers} section of an apply bundle, upserted by {@code slug} (what tools are
 * called by, {@code <slug>__<tool>}) with the API's rules. {@code headers} are write-only: sealed
 * like the API does; left out (or null) they keep the stored ones; given, they replace them all
 * ({@code {}} removes them), compared by decrypting, so re-applying the same headers is no change.
 */
@Component
class McpServerSection implements BundleSection {

    private static final Set<String> FIELDS = Set.of("name", "slug", "transport", "url", "headers", "command", "args");
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() { };

    private final McpServerStore store;
    private final McpServerChecks checks;
    private final McpSessions sessions;
    private final SecretBox secrets;
    private final JsonMapper json;
    private final Clock clock;

    McpServerSection(McpServerStore store, McpServerChecks checks, McpSessions sessions, SecretBox secrets, JsonMapper json, Clock clock) {
        this.store = store;
        this.checks = checks;
        this.sessions = sessions;
        this.secrets = secrets;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String section() {
        return "mcp_servers";
    }

    @Override
    public String kind() {
        return "mcp_server";
    }

    @Override
    public String keyField() {
        return "slug";
    }

    @Override
    public Optional<UUID> findByKey(Caller caller, String key) {
        return store.findBySlug(caller.orgId(), key).map(McpServerRow::id);
    }

    @Override
    public boolean exists(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).isPresent();
    }

    @Override
    public List<Planned> plan(Bundle bundle, JsonNode objects) {
        Set<String> names = new HashSet<>();
        return Planned.orgWide(bundle.caller(), section(), bundle.planEach(this, objects, McpServerController.McpServerBody.class, FIELDS, McpServerController.McpServerBody::slug,
                (body, prefix, errors) -> {
                    checks.check(body, prefix, errors);
                    if (body.name() != null && !names.add(body.name())) {
                        errors.add(prefix + "name", "the bundle has two MCP servers named '" + body.name() + "'");
                    }
                    store.findBySlug(bundle.caller().orgId(), body.slug())
                            .ifPresent(current -> checks.checkHeadersFollow(current, body, body.headers() != null, prefix, errors));
                    if (errors.isEmpty() && nameTaken(bundle, body)) {
                        errors.add(prefix + "name", "another MCP server of this organization is named '" + body.name() + "' (servers are matched by slug)");
                    }
                }, body -> plan(bundle, body)));
    }

    private boolean nameTaken(Bundle bundle, McpServerController.McpServerBody body) {
        UUID id = store.findBySlug(bundle.caller().orgId(), body.slug()).map(McpServerRow::id).orElse(null);
        return id == null ? store.nameOrSlugTaken(bundle.caller().orgId(), body.name(), body.slug())
                : store.nameOrSlugTakenByAnother(bundle.caller().orgId(), id, body.name(), body.slug());
    }

    private Planned plan(Bundle bundle, McpServerController.McpServerBody body) {
        UUID orgId = bundle.caller().orgId();
        Instant now = clock.instant();
        List<String> args = body.args() == null ? List.of() : body.args();
        Optional<McpServerRow> existing = store.findBySlug(orgId, body.slug());
        if (existing.isEmpty()) {
            McpServerRow created = new McpServerRow(bundle.idFor(kind(), body.slug()), orgId, body.name(), body.slug(), body.transport(), body.url(),
                    seal(body.headers()), body.command(), args, now, now);
            return new Planned(Action.CREATE, Applied.of(kind(), body.slug(), created.id(), null), () -> store.insert(created));
        }
        McpServerRow current = existing.get();
        List<String> changed = new ArrayList<>();
        compare(changed, "name", current.name(), body.name());
        compare(changed, "transport", current.transport(), body.transport());
        compare(changed, "url", current.url(), body.url());
        compare(changed, "command", current.command(), body.command());
        compare(changed, "args", current.args(), args);
        String sealed = current.headersSealed();
        if (body.headers() != null && !body.headers().equals(headers(current.headersSealed()))) {
            changed.add("headers");
            sealed = seal(body.headers());
        }
        if (changed.isEmpty()) {
            return Planned.unchanged(Applied.of(kind(), body.slug(), current.id(), null));
        }
        McpServerRow updated = new McpServerRow(current.id(), orgId, body.name(), body.slug(), body.transport(), body.url(), sealed, body.command(),
                args, current.createdAt(), now);
        return new Planned(Action.UPDATE, Applied.of(kind(), body.slug(), current.id(), changed), () -> {
            store.update(updated);
            // the pooled session still speaks to the old address or with the old headers: reopen once the change is committed
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    sessions.evict(updated.id());
                }
            });
        });
    }

    private static void compare(List<String> changed, String field, Object current, Object desired) {
        if (!Objects.equals(current, desired)) {
            changed.add(field);
        }
    }

    private String seal(Map<String, String> headers) {
        return headers == null || headers.isEmpty() ? null : secrets.encrypt(json.writeValueAsString(headers));
    }

    /** The stored headers, or null when they cannot be read (sealed with another master key): then any given headers are a change. */
    private Map<String, String> headers(String sealed) {
        if (sealed == null) {
            return Map.of();
        }
        try {
            return json.readValue(secrets.decrypt(sealed), HEADERS);
        } catch (IllegalStateException sealedWithAnotherKey) {
            return null;
        }
    }
}

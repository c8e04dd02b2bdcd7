package dev.griddle.server.knowledge;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET/PUT /api/v1/runners/{id}/knowledge} and {@code /agents/{id}/knowledge}: the scopes an
 * owner searches besides its own documents, a connection like its {@code web} setting (a
 * {@code PUT} body is the whole list). The owner must be visible to the key (else 404, as every
 * connection route); each scope must exist and be visible both to the key and to the owner's
 * project, else 422 naming the entry, and nothing is written.
 */
@RestController
public class KnowledgeConnectionController {

    private static final Set<String> ENTRY_FIELDS = Set.of("scope_type", "scope_id");

    public record ScopeView(String scopeType, @JsonInclude(JsonInclude.Include.NON_NULL) UUID scopeId) {
    }

    public record ConnectionsView(List<ScopeView> scopes) {
    }

    private final ScopeAccess access;
    private final OwnerScopes ownerScopes;
    private final KnowledgeConnectionStore store;
    private final KnowledgeProperties props;
    private final Clock clock;

    KnowledgeConnectionController(ScopeAccess access, OwnerScopes ownerScopes, KnowledgeConnectionStore store, KnowledgeProperties props, Clock clock) {
        this.access = access;
        this.ownerScopes = ownerScopes;
        this.store = store;
        this.props = props;
        this.clock = clock;
    }

    @GetMapping("/api/v1/runners/{id}/knowledge")
    @Operation(summary = "The knowledge scopes a runner is connected to", description = "{scopes: [{scope_type, scope_id}]}, besides its own documents")
    public ConnectionsView runner(Caller caller, @PathVariable UUID id) {
        return get(caller, ScopeType.RUNNER, id);
    }

    @PutMapping("/api/v1/runners/{id}/knowledge")
    @Operation(summary = "Connect a runner to knowledge scopes", description = "{scopes: [{scope_type, scope_id}]}: the whole list; [] connects none")
    ConnectionsView putRunner(Caller caller, @PathVariable UUID id, @RequestBody JsonNode body) {
        return put(caller, ScopeType.RUNNER, id, body);
    }

    @GetMapping("/api/v1/agents/{id}/knowledge")
    @Operation(summary = "The knowledge scopes an agent is connected to", description = "{scopes: [{scope_type, scope_id}]}, besides its own documents")
    ConnectionsView agent(Caller caller, @PathVariable UUID id) {
        return get(caller, ScopeType.AGENT, id);
    }

    @PutMapping("/api/v1/agents/{id}/knowledge")
    @Operation(summary = "Connect an agent to knowledge scopes", description = "{scopes: [{scope_type, scope_id}]}: the whole list; [] connects none")
    ConnectionsView putAgent(Caller caller, @PathVariable UUID id, @RequestBody JsonNode body) {
        return put(caller, ScopeType.AGENT, id, body);
    }

    /** The connected scopes in effect: those the owner's project sees now. */
    private ConnectionsView get(Caller caller, ScopeType ownerType, UUID id) {
        Scope owner = access.resolve(caller, ownerType, id);
        return view(ownerScopes.connected(caller.orgId(), owner));
    }

    private ConnectionsView put(Caller caller, ScopeType ownerType, UUID id, JsonNode body) {
        Scope owner = access.resolve(caller, ownerType, id);
        List<Scope> scopes = scopes(caller, owner, body);
        store.replace(caller.orgId(), ownerType.wireName(), id, scopes, clock.instant());
        return view(scopes);
    }

    /** The body's scopes, each looked up; 422 naming every problem. */
    private List<Scope> scopes(Caller caller, Scope owner, JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonNode list = body == null ? null : body.get("scopes");
        int max = props.maxConnectedScopes();
        if (list == null || list.isNull()) {
            errors.add("scopes", "required: a list of {scope_type, scope_id} ([] connects none)");
        } else if (!list.isArray()) {
            errors.add("scopes", "must be a list of {scope_type, scope_id}");
        } else if (list.size() > max) {
            errors.add("scopes", "must hold at most " + max + " scopes (griddle.knowledge.max-connected-scopes), held " + list.size());
        }
        errors.throwIfAny();
        ProjectScope reach = ProjectScope.ofOwner(owner.ownerProject());
        Map<Scope, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "scopes[" + i + "]";
            JsonNode entry = list.get(i);
            if (!entry.isObject()) {
                errors.add(at, "must be an object {scope_type, scope_id}");
                continue;
            }
            entry.propertyNames().stream().filter(f -> !ENTRY_FIELDS.contains(f))
                    .forEach(f -> errors.add(at + "." + f, "unknown field; allowed: [scope_type, scope_id]"));
            ScopeAccess.Named named = ScopeAccess.parse(text(entry.get("scope_type")), text(entry.get("scope_id")), at + ".", errors);
            if (named == null) {
                continue;
            }
            Optional<Scope> scope = access.visible(caller.orgId(), reach, named.type(), named.id()).filter(s -> ScopeAccess.sees(caller, s));
            if (scope.isEmpty()) {
                errors.add(at, "no knowledge scope " + named.type().wireName() + " '" + named.id() + "' that this " + owner.type().wireName()
                        + "'s project may search (unknown, or of another project)");
            } else if (out.containsKey(scope.get())) {
                errors.add(at, "names the same scope as scopes[" + out.get(scope.get()) + "]");
            } else {
                out.put(scope.get(), i);
            }
        }
        errors.throwIfAny();
        return new ArrayList<>(out.keySet());
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.isString() ? node.asString() : node.toString();
    }

    private static ConnectionsView view(List<Scope> scopes) {
        return new ConnectionsView(scopes.stream().map(s -> new ScopeView(s.type().wireName(), s.id())).toList());
    }
}

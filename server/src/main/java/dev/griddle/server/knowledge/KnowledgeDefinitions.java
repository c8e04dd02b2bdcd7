package dev.griddle.server.knowledge;

import dev.griddle.server.apply.Bundle;
import dev.griddle.server.apply.OwnerFields;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.web.FieldErrors;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The {@code knowledge} connections of a runner or an agent in an apply bundle: a list of
 * {@code {scope_type, scope}} (named as in the bundle's {@code knowledge} section), which becomes the
 * owner's whole list as {@code PUT /runners/{id}/knowledge} makes it ({@code []} connects none; left
 * out, the stored list is left alone). Each scope must be visible to the key and to the owner's
 * project as the bundle gives it, as the route requires. A runner may name an agent the bundle
 * creates (agents are written first); any other scope the bundle creates is connected by applying
 * the bundle again.
 */
@Component
class KnowledgeDefinitions implements OwnerFields {

    private static final String FIELD = "knowledge";
    private static final Set<String> ENTRY_FIELDS = Set.of("scope_type", "scope");

    private final ScopeAccess scopes;
    private final KnowledgeConnectionStore store;
    private final KnowledgeProperties props;
    private final Clock clock;

    KnowledgeDefinitions(ScopeAccess scopes, KnowledgeConnectionStore store, KnowledgeProperties props, Clock clock) {
        this.scopes = scopes;
        this.store = store;
        this.props = props;
        this.clock = clock;
    }

    @Override
    public Set<String> fields(String ownerKind) {
        return Set.of(FIELD);
    }

    @Override
    public List<Change> plan(Bundle bundle, Owner owner, JsonNode definition, String path) {
        if (!definition.hasNonNull(FIELD)) {
            return List.of();
        }
        String at = path + "." + FIELD;
        JsonNode list = definition.get(FIELD);
        FieldErrors errors = new FieldErrors();
        if (!list.isArray()) {
            errors.add(at, "must be a list of {scope_type, scope} ([] connects none)");
        } else if (list.size() > props.maxConnectedScopes()) {
            errors.add(at, "must hold at most " + props.maxConnectedScopes() + " scopes (griddle.knowledge.max-connected-scopes), held " + list.size());
        }
        if (bundle.problems(owner.kind(), owner.name(), errors)) {
            return List.of();
        }
        ProjectScope reach = ProjectScope.ofOwner(bundle.declaredProject(owner.id()).flatMap(p -> p).orElse(null));
        Map<Scope, Integer> wanted = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String prefix = at + "[" + i + "]";
            JsonNode entry = list.get(i);
            if (!entry.isObject()) {
                errors.add(prefix, "must be an object {scope_type, scope}");
                continue;
            }
            bundle.warnUnknownFields(entry, ENTRY_FIELDS, owner.kind(), owner.name(), prefix);
            Optional<Scope> scope = BundleScopes.resolve(bundle, scopes, text(entry.get("scope_type")), text(entry.get("scope")), prefix + ".", errors);
            if (scope.isEmpty()) {
                continue;
            }
            Scope s = scope.get();
            if (s.type() != ScopeType.ORG && (!reach.sees(s.ownerProject()) || !ScopeAccess.sees(bundle.caller(), s))) {
                errors.add(prefix, "no knowledge scope " + s.type().wireName() + " '" + text(entry.get("scope")) + "' that this " + owner.kind()
                        + "'s project may search (unknown, or of another project)");
            } else if (!(owner.kind().equals("runner") && s.type() == ScopeType.AGENT) && BundleScopes.createdByBundle(scopes, bundle, s)) {
                // agents are written before runners, so only a runner may name an agent the bundle creates
                errors.add(prefix, "the " + s.type().wireName() + " is created by this bundle: apply it, then apply again to connect it");
            } else if (wanted.containsKey(s)) {
                errors.add(prefix, "names the same scope as " + at + "[" + wanted.get(s) + "]");
            } else {
                wanted.put(s, i);
            }
        }
        if (bundle.problems(owner.kind(), owner.name(), errors)) {
            return List.of();
        }
        List<Scope> scopesWanted = List.copyOf(wanted.keySet());
        List<Scope> current = owner.created() ? List.of() : store.connected(bundle.caller().orgId(), owner.kind(), owner.id());
        if (same(current, scopesWanted)) {
            return List.of();
        }
        return List.of(new Change(FIELD, () -> store.replace(bundle.caller().orgId(), owner.kind(), owner.id(), scopesWanted, clock.instant())));
    }

    /** The same scopes in the same order (by type and id: an owner's project is not part of what is stored). */
    private static boolean same(List<Scope> a, List<Scope> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).type() != b.get(i).type() || !java.util.Objects.equals(a.get(i).id(), b.get(i).id())) {
                return false;
            }
        }
        return true;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.isString() ? node.asString() : node.toString();
    }
}

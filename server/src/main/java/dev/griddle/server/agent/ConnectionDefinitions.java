package dev.griddle.server.agent;

import dev.griddle.server.apply.Bundle;
import dev.griddle.server.apply.OwnerFields;
import dev.griddle.server.web.FieldErrors;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The connections of a runner or an agent in an apply bundle. A field that is present is the whole
 * truth: its attachments become exactly the listed ones (missing ones attached, changed ones
 * updated, unlisted ones detached; {@code []} detaches all), and {@code web}/{@code plan} become
 * the given setting over the defaults, as {@code PUT} does. A field left out leaves that
 * connection alone. A list item is a reference (name or id) or an object {@code {<ref>, <extra>}}.
 */
@Component
class ConnectionDefinitions implements OwnerFields {

    /** A list field: the kind it refers to, the item's reference field, and its extra field. */
    private record ListField(String field, String refKind, String refField, String extraField) {
    }

    private static final List<ListField> LISTS = List.of(new ListField("tools", "tool", "tool", "allowed"),
            new ListField("mcps", "mcp_server", "mcp_server", "allowed_tools"),
            new ListField("integrations", "integration", "integration", "allowed_tables"), new ListField("skills", "skill", "skill", null));
    private static final List<String> SETTINGS = List.of("web", "plan");
    private static final Set<String> FIELDS = Set.of("tools", "mcps", "integrations", "skills", "web", "plan");

    private final ConnectionStore store;
    private final Clock clock;

    ConnectionDefinitions(ConnectionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Set<String> fields(String ownerKind) {
        return FIELDS;
    }

    @Override
    public List<Change> plan(Bundle bundle, Owner owner, JsonNode definition, String path) {
        List<Change> out = new ArrayList<>();
        for (ListField f : LISTS) {
            if (definition.hasNonNull(f.field())) {
                desired(bundle, owner, f, definition.get(f.field()), path + "." + f.field())
                        .flatMap(wanted -> f.field().equals("tools") ? tools(bundle, owner, wanted) : attachments(bundle, owner, f, wanted))
                        .ifPresent(out::add);
            }
        }
        for (String setting : SETTINGS) {
            if (definition.hasNonNull(setting)) {
                setting(bundle, owner, setting, definition.get(setting), path + "." + setting).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The listed attachments by id, with their config; empty when the list has problems. */
    private Optional<Map<UUID, ObjectNode>> desired(Bundle bundle, Owner owner, ListField f, JsonNode list, String at) {
        if (!list.isArray()) {
            bundle.problem(owner.kind(), owner.name(), at, "must be a list of " + f.refKind().replace('_', ' ') + " names or ids, or of {"
                    + f.refField() + (f.extraField() == null ? "" : ", " + f.extraField()) + "}");
            return Optional.empty();
        }
        Map<UUID, ObjectNode> out = new LinkedHashMap<>();
        boolean ok = true;
        for (int j = 0; j < list.size(); j++) {
            JsonNode item = list.get(j);
            String itemAt = at + "[" + j + "]";
            JsonNode ref = item.isObject() ? item.path(f.refField()) : item;
            String refAt = item.isObject() ? itemAt + "." + f.refField() : itemAt;
            FieldErrors errors = new FieldErrors();
            if (item.isObject()) {
                bundle.warnUnknownFields(item, f.extraField() == null ? Set.of(f.refField()) : Set.of(f.refField(), f.extraField()), owner.kind(),
                        owner.name(), itemAt);
            }
            ObjectNode config = f.field().equals("tools") ? allowed(item, itemAt, errors) : AttachmentConfig.of(f.extraField(), item, itemAt, errors);
            Optional<UUID> id = bundle.resolve(f.refKind(), ref, refAt);
            ok &= !bundle.problems(owner.kind(), owner.name(), errors) && id.isPresent();
            if (id.isPresent() && out.put(id.get(), config) != null) {
                bundle.problem(owner.kind(), owner.name(), refAt, "lists " + ref.asString() + " twice");
                ok = false;
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    /** A tool attachment's config: {@code allowed}, true unless the item says false (a plain name allows the tool). */
    private static ObjectNode allowed(JsonNode item, String itemAt, FieldErrors errors) {
        JsonNode allowed = item.path("allowed");
        if (!allowed.isMissingNode() && !allowed.isNull() && !allowed.isBoolean()) {
            errors.add(itemAt + ".allowed", "must be true or false");
        }
        return JsonNodeFactory.instance.objectNode().put("allowed", !allowed.isBoolean() || allowed.asBoolean());
    }

    private Optional<Change> tools(Bundle bundle, Owner owner, Map<UUID, ObjectNode> wanted) {
        UUID orgId = bundle.caller().orgId();
        Map<UUID, ObjectNode> current = new LinkedHashMap<>();
        if (!owner.created()) {
            store.tools(orgId, owner.kind(), owner.id())
                    .forEach(t -> current.put(t.toolId(), JsonNodeFactory.instance.objectNode().set("allowed", BooleanNode.valueOf(t.allowed()))));
        }
        if (same(current, wanted)) {
            return Optional.empty();
        }
        return Optional.of(new Change("tools", () -> {
            current.keySet().stream().filter(id -> !wanted.containsKey(id)).forEach(id -> store.removeTool(orgId, owner.kind(), owner.id(), id));
            wanted.forEach((id, config) -> {
                if (!Bundle.sameJson(current.get(id), config)) {
                    store.putTool(orgId, owner.kind(), owner.id(), id, config.path("allowed").asBoolean(), clock.instant());
                }
            });
        }));
    }

    private Optional<Change> attachments(Bundle bundle, Owner owner, ListField f, Map<UUID, ObjectNode> wanted) {
        UUID orgId = bundle.caller().orgId();
        Map<UUID, JsonNode> current = new LinkedHashMap<>();
        if (!owner.created()) {
            store.attachments(orgId, owner.kind(), owner.id(), f.field()).forEach(a -> current.put(a.refId(), a.config()));
        }
        if (same(current, wanted)) {
            return Optional.empty();
        }
        return Optional.of(new Change(f.field(), () -> {
            current.keySet().stream().filter(id -> !wanted.containsKey(id))
                    .forEach(id -> store.detach(orgId, owner.kind(), owner.id(), f.field(), id));
            wanted.forEach((id, config) -> {
                if (!Bundle.sameJson(current.get(id), config)) {
                    store.attach(orgId, owner.kind(), owner.id(), f.field(), id, config, clock.instant());
                }
            });
        }));
    }

    private Optional<Change> setting(Bundle bundle, Owner owner, String setting, JsonNode body, String at) {
        FieldErrors errors = new FieldErrors();
        ObjectNode wanted = ConnectionSettings.from(setting, body, at, errors);
        if (bundle.problems(owner.kind(), owner.name(), errors)) {
            return Optional.empty();
        }
        UUID orgId = bundle.caller().orgId();
        ObjectNode current = ConnectionSettings.defaults(setting);
        if (!owner.created()) {
            store.setting(orgId, owner.kind(), owner.id(), setting).ifPresent(stored -> current.setAll((ObjectNode) stored));
        }
        if (Bundle.sameJson(current, wanted)) {
            return Optional.empty();
        }
        return Optional.of(new Change(setting, () -> store.putSetting(orgId, owner.kind(), owner.id(), setting, wanted, clock.instant())));
    }

    private static boolean same(Map<UUID, ? extends JsonNode> current, Map<UUID, ObjectNode> wanted) {
        return current.keySet().equals(wanted.keySet()) && wanted.entrySet().stream().allMatch(e -> Bundle.sameJson(current.get(e.getKey()), e.getValue()));
    }
}

package dev.griddle.server.tool;

import dev.griddle.server.apply.Action;
import dev.griddle.server.apply.Applied;
import dev.griddle.server.apply.Bundle;
import dev.griddle.server.apply.BundleSection;
import dev.griddle.server.apply.Planned;
import dev.griddle.server.web.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** The {@code tools} section of an apply bundle: custom HTTP tools upserted by name with the API's rules. */
@Component
class ToolSection implements BundleSection {

    private static final Set<String> FIELDS = Set.of("name", "description", "parameters", "http");

    private final ToolStore store;
    private final ToolChecks checks;
    private final Clock clock;

    ToolSection(ToolStore store, ToolChecks checks, Clock clock) {
        this.store = store;
        this.checks = checks;
        this.clock = clock;
    }

    @Override
    public String section() {
        return "tools";
    }

    @Override
    public String kind() {
        return "tool";
    }

    @Override
    public Optional<UUID> findByKey(Caller caller, String key) {
        return store.findByName(caller.orgId(), key).map(StoredTool::id);
    }

    @Override
    public boolean exists(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).isPresent();
    }

    @Override
    public List<Planned> plan(Bundle bundle, JsonNode objects) {
        return Planned.orgWide(bundle.caller(), section(), bundle.planEach(this, objects, ToolController.ToolBody.class, FIELDS,
                ToolController.ToolBody::name, (body, prefix, errors) -> checks.check(body, true, prefix, errors), body -> plan(bundle, body)));
    }

    private Planned plan(Bundle bundle, ToolController.ToolBody body) {
        UUID orgId = bundle.caller().orgId();
        Instant now = clock.instant();
        Optional<StoredTool> existing = store.findByName(orgId, body.name());
        if (existing.isEmpty()) {
            StoredTool created = new StoredTool(bundle.idFor(kind(), body.name()), orgId, body.name(), body.description(), body.parameters(),
                    body.http(), now, now);
            return new Planned(Action.CREATE, Applied.of(kind(), body.name(), created.id(), null), () -> store.insert(created));
        }
        StoredTool current = existing.get();
        List<String> changed = new ArrayList<>();
        if (!Objects.equals(current.description(), body.description())) {
            changed.add("description");
        }
        if (!Bundle.sameJson(current.parameters(), body.parameters())) {
            changed.add("parameters");
        }
        if (!Bundle.sameJson(current.http(), body.http())) {
            changed.add("http");
        }
        if (changed.isEmpty()) {
            return Planned.unchanged(Applied.of(kind(), body.name(), current.id(), null));
        }
        StoredTool updated = new StoredTool(current.id(), orgId, body.name(), body.description(), body.parameters(), body.http(),
                current.createdAt(), now);
        return new Planned(Action.UPDATE, Applied.of(kind(), body.name(), current.id(), changed), () -> store.update(updated));
    }
}

package dev.griddle.server.agent;

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

/** The {@code skills} section of an apply bundle, upserted by name with the API's rules. */
@Component
class SkillSection implements BundleSection {

    private static final Set<String> FIELDS = Set.of("name", "description", "instructions");

    private final SkillStore store;
    private final Clock clock;

    SkillSection(SkillStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public String section() {
        return "skills";
    }

    @Override
    public String kind() {
        return "skill";
    }

    @Override
    public Optional<UUID> findByKey(Caller caller, String key) {
        return store.findByName(caller.orgId(), key).map(Skill::id);
    }

    @Override
    public boolean exists(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).isPresent();
    }

    @Override
    public List<Planned> plan(Bundle bundle, JsonNode objects) {
        return Planned.orgWide(bundle.caller(), section(), bundle.planEach(this, objects, SkillController.SkillBody.class, FIELDS,
                SkillController.SkillBody::name, (body, prefix, errors) -> SkillChecks.check(body, true, prefix, errors), body -> plan(bundle, body)));
    }

    private Planned plan(Bundle bundle, SkillController.SkillBody body) {
        UUID orgId = bundle.caller().orgId();
        String name = body.name().strip();
        Instant now = clock.instant();
        Optional<Skill> existing = store.findByName(orgId, name);
        if (existing.isEmpty()) {
            Skill created = new Skill(bundle.idFor(kind(), name), orgId, name, body.description(), body.instructions(), now, now);
            return new Planned(Action.CREATE, Applied.of(kind(), name, created.id(), null), () -> store.insert(created));
        }
        Skill current = existing.get();
        List<String> changed = new ArrayList<>();
        if (!Objects.equals(current.description(), body.description())) {
            changed.add("description");
        }
        if (!Objects.equals(current.instructions(), body.instructions())) {
            changed.add("instructions");
        }
        if (changed.isEmpty()) {
            return Planned.unchanged(Applied.of(kind(), name, current.id(), null));
        }
        Skill updated = new Skill(current.id(), orgId, name, body.description(), body.instructions(), current.createdAt(), now);
        return new Planned(Action.UPDATE, Applied.of(kind(), name, current.id(), changed), () -> store.update(updated));
    }
}

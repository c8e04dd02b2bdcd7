package dev.griddle.server.agent;

import dev.griddle.server.apply.Action;
import dev.griddle.server.apply.Applied;
import dev.griddle.server.apply.Bundle;
import dev.griddle.server.apply.BundleSection;
import dev.griddle.server.apply.OwnerFields;
import dev.griddle.server.apply.Planned;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The {@code agents} section of an apply bundle, upserted by name with the API's rules, with the
 * fields other features store (connections). {@code credentials} works like
 * {@code PUT /agents/{id}/credentials}: a key left out keeps its value, an empty string removes it.
 */
@Component
class AgentSection implements BundleSection {

    private static final Set<String> FIELDS = Set.of("name", "description", "model", "instructions", "temperature", "project_id", "credentials");

    private final AgentStore store;
    private final AgentChecks checks;
    private final AgentDirectory directory;
    private final AgentCredentials credentials;
    private final Clock clock;

    AgentSection(AgentStore store, AgentChecks checks, AgentDirectory directory, AgentCredentials credentials, Clock clock) {
        this.store = store;
        this.checks = checks;
        this.directory = directory;
        this.credentials = credentials;
        this.clock = clock;
    }

    @Override
    public String section() {
        return "agents";
    }

    @Override
    public String kind() {
        return "agent";
    }

    @Override
    public Optional<UUID> findByKey(Caller caller, String key) {
        return store.findVisibleByName(caller.orgId(), ProjectScope.of(caller.projectIds()), key).map(Agent::id);
    }

    /** Names are unique per project: the declared agent is the one of its own {@code project_id}. */
    @Override
    public Optional<UUID> findDeclared(Caller caller, String key, JsonNode object) {
        UUID project;
        try {
            project = object.path("project_id").isString() ? UUID.fromString(object.path("project_id").asString()) : null;
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the agent's own checks report the malformed project_id
        }
        return caller.sees(project) ? store.findByName(caller.orgId(), project, key).map(Agent::id) : Optional.empty();
    }

    @Override
    public boolean exists(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).filter(a -> caller.sees(a.projectId())).isPresent();
    }

    @Override
    public List<Planned> plan(Bundle bundle, JsonNode objects) {
        List<Planned> out = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>(FIELDS);
        known.addAll(bundle.ownerFieldNames("agent"));
        for (int i = 0; i < objects.size(); i++) {
            JsonNode node = objects.get(i);
            String path = "agents[" + i + "]";
            Optional<AgentController.AgentBody> bound = bundle.bind(node, AgentController.AgentBody.class, kind(), path);
            if (bound.isEmpty()) {
                continue;
            }
            AgentController.AgentBody body = bound.get();
            bundle.warnUnknownFields(node, known, kind(), body.name(), path);
            FieldErrors errors = new FieldErrors();
            checks.check(bundle.caller(), body, true, path + ".", errors);
            Optional<AgentController.CredentialsBody> keys = Optional.empty();
            if (node.hasNonNull("credentials")) {
                keys = bundle.bind(node.get("credentials"), AgentController.CredentialsBody.class, kind(), path + ".credentials");
                bundle.warnUnknownFields(node.get("credentials"), AgentController.CREDENTIALS, kind(), body.name(), path + ".credentials");
            }
            boolean invalid = bundle.problems(kind(), body.name(), errors);
            String name = body.name() == null || body.name().isBlank() ? null : body.name().strip();
            // names are unique per project: the agent to update is the one of this project, which the checks above hold visible
            Optional<Agent> existing = name == null || !bundle.caller().sees(body.projectId()) ? Optional.empty()
                    : store.findByName(bundle.caller().orgId(), body.projectId(), name);
            UUID id = existing.map(Agent::id).orElseGet(() -> bundle.idFor(kind(), name));
            // connections are checked even when the agent itself is invalid, so one response lists every problem
            List<OwnerFields.Change> changes = bundle.ownerFields(new OwnerFields.Owner(kind(), name, id, existing.isEmpty()), node, path);
            if (invalid) {
                continue;
            }
            out.add(plan(bundle, id, name, body, existing, keys, changes));
        }
        return out;
    }

    private Planned plan(Bundle bundle, UUID id, String name, AgentController.AgentBody body, Optional<Agent> existing,
            Optional<AgentController.CredentialsBody> keys, List<OwnerFields.Change> changes) {
        UUID orgId = bundle.caller().orgId();
        Instant now = clock.instant();
        Agent desired = new Agent(id, orgId, body.projectId(), name, body.description(), body.model(), body.instructions(), body.temperature(),
                null, existing.map(Agent::createdAt).orElse(now), now);
        Map<String, String> currentKeys = existing.map(this::storedKeys).orElse(Map.of());
        Map<String, String> desiredKeys = keys.map(k -> AgentCredentials.merged(currentKeys, k)).orElse(currentKeys);
        boolean keysChange = !desiredKeys.equals(currentKeys);
        Runnable connect = () -> changes.forEach(c -> c.write().run());
        if (existing.isEmpty()) {
            return new Planned(Action.CREATE, Applied.of(kind(), name, id, null), () -> {
                store.insert(desired);
                if (keysChange) {
                    store.setCredentials(orgId, id, credentials.seal(desiredKeys));
                }
                connect.run();
            });
        }
        Agent current = existing.get();
        List<String> changed = new ArrayList<>();
        compare(changed, "description", current.description(), desired.description());
        compare(changed, "model", current.model(), desired.model());
        compare(changed, "instructions", current.instructions(), desired.instructions());
        compare(changed, "temperature", current.temperature(), desired.temperature());
        compare(changed, "project_id", current.projectId(), desired.projectId());
        boolean rowChanges = !changed.isEmpty();
        if (keysChange) {
            changed.add("credentials");
        }
        changes.forEach(c -> changed.add(c.field()));
        if (changed.isEmpty()) {
            return Planned.unchanged(Applied.of(kind(), name, id, null));
        }
        return new Planned(Action.UPDATE, Applied.of(kind(), name, id, changed), () -> {
            if (rowChanges) {
                store.update(desired);
            }
            if (keysChange) {
                store.setCredentials(orgId, id, credentials.seal(desiredKeys));
            }
            connect.run();
        });
    }

    /** The stored keys; none when they cannot be read (sealed with another master key), so given keys replace them. */
    private Map<String, String> storedKeys(Agent agent) {
        try {
            return directory.credentials(agent);
        } catch (IllegalStateException sealedWithAnotherKey) {
            return Map.of();
        }
    }

    private static void compare(List<String> changed, String field, Object current, Object desired) {
        if (!Objects.equals(current, desired)) {
            changed.add(field);
        }
    }
}

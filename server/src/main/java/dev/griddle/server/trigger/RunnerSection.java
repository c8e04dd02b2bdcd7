package dev.griddle.server.trigger;

import dev.griddle.server.apply.Action;
import dev.griddle.server.apply.Applied;
import dev.griddle.server.apply.Bundle;
import dev.griddle.server.apply.BundleSection;
import dev.griddle.server.apply.OwnerFields;
import dev.griddle.server.apply.Planned;
import dev.griddle.server.expr.Templates;
import dev.griddle.server.runner.RunnerDefinitions;
import dev.griddle.server.runner.ValidationError;
import dev.griddle.server.web.Caller;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code runners} section of a bundle: each runner upserted by name (see {@link RunnerDefinitions}),
 * with its triggers ({@link TriggerPlanner}) and the fields other features store (connections,
 * budget). Before a runner is checked, an {@code llm} step's {@code with.agent_id} and a
 * {@code runner} step's {@code with.runner_id} that are names are replaced by the ids they resolve to;
 * then {@link dev.griddle.server.runner.StepReferences} holds them to the runner's project, the same
 * check as saving and publishing a draft.
 */
@Component
class RunnerSection implements BundleSection {

    private static final Set<String> FIELDS = Set.of("name", "description", "default_model", "input_schema", "project_id", "steps", "output",
            "recording", "redact", "triggers");

    private final RunnerDefinitions runners;
    private final TriggerPlanner triggers;

    RunnerSection(RunnerDefinitions runners, TriggerPlanner triggers) {
        this.runners = runners;
        this.triggers = triggers;
    }

    @Override
    public String section() {
        return "runners";
    }

    @Override
    public String kind() {
        return "runner";
    }

    @Override
    public Optional<UUID> findByKey(Caller caller, String key) {
        return runners.find(caller, key);
    }

    @Override
    public Optional<UUID> findDeclared(Caller caller, String key, JsonNode object) {
        JsonNode project = object.path("project_id");
        try {
            return runners.find(caller, project.isString() ? UUID.fromString(project.asString()) : null, key);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the runner's own checks report the malformed project_id
        }
    }

    @Override
    public boolean exists(Caller caller, UUID id) {
        return runners.exists(caller, id);
    }

    @Override
    public List<Planned> plan(Bundle bundle, JsonNode objects) {
        List<Planned> out = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>(FIELDS);
        known.addAll(bundle.ownerFieldNames("runner"));
        for (int i = 0; i < objects.size(); i++) {
            JsonNode node = objects.get(i);
            String path = "runners[" + i + "]";
            if (!node.isObject()) {
                bundle.problem("runner", null, path, "must be an object");
                continue;
            }
            String name = Bundle.key(node, "name");
            bundle.warnUnknownFields(node, known, "runner", name, path);
            List<ValidationError> errors = new ArrayList<>();
            Optional<RunnerDefinitions.Planned> planned = runners.plan(bundle.caller(), withResolvedReferences(bundle, node, path), path, errors,
                    bundle.idFor("runner", name), bundle::declaredProject);
            // a reference apply could not resolve is reported once, by the resolver
            errors.stream().filter(e -> !bundle.hasProblemAt(e.path())).forEach(e -> bundle.problem("runner", name, e.path(), e.message()));
            UUID id = planned.map(RunnerDefinitions.Planned::id).orElseGet(UUID::randomUUID);
            boolean created = planned.map(p -> p.action() == RunnerDefinitions.Action.CREATE).orElse(true);
            List<OwnerFields.Change> changes = bundle.ownerFields(new OwnerFields.Owner("runner", name, id, created), node, path);
            List<Planned> triggerPlans = triggers.plan(bundle, id, created, name, node.path("triggers"), path);
            if (planned.isPresent()) {
                out.add(runner(planned.get(), changes));
                out.addAll(triggerPlans);
            }
        }
        return out;
    }

    private Planned runner(RunnerDefinitions.Planned planned, List<OwnerFields.Change> changes) {
        Action action = switch (planned.action()) {
            case CREATE -> Action.CREATE;
            case UPDATE -> Action.UPDATE;
            case UNCHANGED -> changes.isEmpty() ? Action.UNCHANGED : Action.UPDATE;
        };
        List<String> changed = new ArrayList<>();
        if (action == Action.UPDATE) {
            changed.addAll(planned.changed());
            changes.forEach(c -> changed.add(c.field()));
        }
        return new Planned(action, Applied.of("runner", planned.name(), planned.id(), changed), () -> {
            runners.write(planned);
            changes.forEach(c -> c.write().run());
        });
    }

    /** A copy of the runner whose step references by name are ids; templates are left for run time. */
    private static JsonNode withResolvedReferences(Bundle bundle, JsonNode runner, String path) {
        JsonNode steps = runner.get("steps");
        if (steps == null || !steps.isArray()) {
            return runner;
        }
        ObjectNode copy = (ObjectNode) runner.deepCopy();
        JsonNode copied = copy.get("steps");
        for (int i = 0; i < copied.size(); i++) {
            JsonNode step = copied.get(i);
            if (!step.path("with").isObject()) {
                continue;
            }
            String field = switch (step.path("type").asString("")) {
                case "llm" -> "agent_id";
                case "runner" -> "runner_id";
                default -> null;
            };
            ObjectNode with = (ObjectNode) step.get("with");
            JsonNode ref = field == null ? null : with.get(field);
            if (ref == null || !ref.isString() || ref.asString().isBlank() || Templates.hasTemplate(ref.asString())) {
                continue; // the runner's own checks report a missing or mistyped reference
            }
            String kind = field.equals("agent_id") ? "agent" : "runner";
            bundle.resolve(kind, ref, path + ".steps[" + i + "].with." + field).ifPresent(id -> with.put(field, id.toString()));
        }
        return copy;
    }
}

package dev.griddle.server.runner;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.auth.ProjectStore;
import dev.griddle.server.web.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Runner definitions upserted by name, for bulk import ({@code POST /api/v1/apply}): binds a
 * definition with the same rules as the runner API, checks it with {@link RunnerValidator} (a
 * definition must be valid to be applied, unlike a saved draft), and says whether it would create,
 * update, or leave the runner unchanged. Writing is a separate step so a bundle is checked whole
 * before anything is written.
 */
@Component
public class RunnerDefinitions {

    /** What applying one definition does. */
    public enum Action { CREATE, UPDATE, UNCHANGED }

    /** A checked definition, ready to write: the runner's id is known even before it is created. */
    public static final class Planned {
        private final StoredRunner runner;
        private final Action action;
        private final List<String> changed;

        private Planned(StoredRunner runner, Action action, List<String> changed) {
            this.runner = runner;
            this.action = action;
            this.changed = List.copyOf(changed);
        }

        public UUID id() {
            return runner.id();
        }

        public String name() {
            return runner.name();
        }

        public Action action() {
            return action;
        }

        /** The fields an update changes, like {@code steps} or {@code description}. */
        public List<String> changed() {
            return changed;
        }
    }

    private final RunnerStore runners;
    private final RunnerValidator validator;
    private final RunnerVersions versions;
    private final ProjectStore projects;
    private final StepReferences references;
    private final JsonMapper json;
    private final Clock clock;

    RunnerDefinitions(RunnerStore runners, RunnerValidator validator, RunnerVersions versions, ProjectStore projects, StepReferences references,
            JsonMapper json, Clock clock) {
        this.references = references;
        this.runners = runners;
        this.validator = validator;
        this.versions = versions;
        this.projects = projects;
        this.json = json;
        this.clock = clock;
    }

    /** The id of a runner named {@code name} that the caller's key sees (names are unique per project: the org-level one first). */
    public Optional<UUID> find(Caller caller, String name) {
        return runners.findVisibleByName(caller.orgId(), ProjectScope.of(caller.projectIds()), name).map(StoredRunner::id);
    }

    /** The id of the runner named {@code name} in {@code projectId} (null = org-level), when the caller's key sees that project. */
    public Optional<UUID> find(Caller caller, UUID projectId, String name) {
        return caller.sees(projectId) ? runners.findByName(caller.orgId(), projectId, name).map(StoredRunner::id) : Optional.empty();
    }

    /** Whether the caller's organization has this runner and the caller's key sees it. */
    public boolean exists(Caller caller, UUID id) {
        return runners.find(caller.orgId(), id).filter(r -> caller.sees(r.projectId())).isPresent();
    }

    /**
     * Checks one definition (a runner object of a bundle, at {@code path} such as {@code runners[0]})
     * and plans its upsert; on problems adds them to {@code errors} and returns empty. A runner
     * that does not exist yet gets {@code idIfNew}, so other objects of the bundle can refer to it.
     */
    public Optional<Planned> plan(Caller caller, JsonNode definition, String path, List<ValidationError> errors, UUID idIfNew,
            Function<UUID, Optional<Optional<UUID>>> pending) {
        RunnerDraft draft;
        try {
            draft = json.treeToValue(definition, RunnerDraft.class);
        } catch (JacksonException e) {
            String at = path + describe(e.getPath());
            errors.add(new ValidationError(null, at, "is invalid: " + e.getOriginalMessage()));
            return Optional.empty();
        }
        List<ValidationError> found = new ArrayList<>();
        if (draft.name() == null || draft.name().isBlank()) {
            found.add(new ValidationError(null, path + ".name", "required"));
        } else if (draft.name().strip().length() > 200) {
            found.add(new ValidationError(null, path + ".name", "must be at most 200 characters"));
        }
        if (draft.projectId() != null && projects.visible(caller, draft.projectId()).isEmpty()) {
            found.add(new ValidationError(null, path + ".project_id", "no project '" + draft.projectId() + "' visible to this key"));
        } else if (draft.projectId() == null && !caller.allProjects()) {
            found.add(new ValidationError(null, path + ".project_id", "required for a key limited to some projects"));
        }
        RunnerValidator.recordingSettings(draft.recording(), draft.redact())
                .forEach(e -> found.add(new ValidationError(null, path + "." + e.path(), e.message())));
        List<RunnerDraft.Step> steps = draft.steps() == null ? List.of() : draft.steps();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) == null) {
                found.add(new ValidationError(null, path + ".steps[" + i + "]", "must be an object"));
            }
        }
        if (found.isEmpty()) {
            for (ValidationError e : validator.validate(steps, draft.output(), draft.inputSchema())) {
                found.add(new ValidationError(e.stepId(), path + "." + e.path(), e.message()));
            }
            found.addAll(references.check(caller.orgId(), draft.projectId(), steps, path + ".", pending));
        }
        if (!found.isEmpty()) {
            errors.addAll(found);
            return Optional.empty();
        }
        String name = draft.name().strip();
        Optional<StoredRunner> existing = runners.findByName(caller.orgId(), draft.projectId(), name);
        Instant now = clock.instant();
        StoredRunner desired = withHash(new StoredRunner(existing.map(StoredRunner::id).orElse(idIfNew), caller.orgId(),
                draft.projectId(), name, draft.description(), draft.defaultModel(), nullIfJsonNull(draft.inputSchema()), steps,
                nullIfJsonNull(draft.output()), draft.recording(), draft.redact(), null, existing.map(StoredRunner::latestVersion).orElse(null),
                existing.map(StoredRunner::createdAt).orElse(now), now));
        if (existing.isEmpty()) {
            return Optional.of(new Planned(desired, Action.CREATE, List.of()));
        }
        StoredRunner current = existing.get();
        boolean same = Objects.equals(current.draftHash(), desired.draftHash()) && Objects.equals(current.description(), desired.description())
                && Objects.equals(current.projectId(), desired.projectId());
        return Optional.of(same ? new Planned(desired, Action.UNCHANGED, List.of()) : new Planned(desired, Action.UPDATE, changed(current, desired)));
    }

    /** The JSON parts are compared by canonical hash, so key order is no change. */
    private List<String> changed(StoredRunner current, StoredRunner desired) {
        List<String> out = new ArrayList<>();
        if (!Objects.equals(current.description(), desired.description())) {
            out.add("description");
        }
        if (!Objects.equals(current.projectId(), desired.projectId())) {
            out.add("project_id");
        }
        if (!Objects.equals(current.defaultModel(), desired.defaultModel())) {
            out.add("default_model");
        }
        if (differs(current.inputSchema(), desired.inputSchema())) {
            out.add("input_schema");
        }
        if (differs(current.steps(), desired.steps())) {
            out.add("steps");
        }
        if (differs(current.output(), desired.output())) {
            out.add("output");
        }
        if (!Objects.equals(current.recording(), desired.recording())) {
            out.add("recording");
        }
        if (!Objects.equals(current.redact(), desired.redact())) {
            out.add("redact");
        }
        return out;
    }

    private boolean differs(Object current, Object desired) {
        return !versions.hash(tree(current)).equals(versions.hash(tree(desired)));
    }

    /** Writes a planned definition (inside the caller's transaction). */
    public void write(Planned planned) {
        switch (planned.action) {
            case CREATE -> runners.insert(planned.runner);
            case UPDATE -> runners.update(planned.runner);
            case UNCHANGED -> { }
        }
    }

    private StoredRunner withHash(StoredRunner r) {
        return new StoredRunner(r.id(), r.orgId(), r.projectId(), r.name(), r.description(), r.defaultModel(), r.inputSchema(), r.steps(),
                r.output(), r.recording(), r.redact(), versions.hash(json.valueToTree(r.spec())), r.latestVersion(), r.createdAt(), r.updatedAt());
    }

    private JsonNode tree(Object value) {
        return value == null ? JsonNodeFactory.instance.nullNode() : json.valueToTree(value);
    }

    private static String describe(List<JacksonException.Reference> refs) {
        StringBuilder out = new StringBuilder();
        for (JacksonException.Reference ref : refs) {
            if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getPropertyName() != null) {
                out.append('.').append(ref.getPropertyName());
            }
        }
        return out.toString();
    }

    private static JsonNode nullIfJsonNull(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }
}

package dev.griddle.server.runner;

import dev.griddle.server.auth.ProjectStore;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/runners}: drafts (JSON or YAML bodies), validation and versions. An invalid draft
 * is saved (with {@code valid: false}) so editing can go step by step; only publishing refuses it.
 */
@RestController
@RequestMapping("/api/v1/runners")
public class RunnerController {

    private final RunnerStore runners;
    private final RunnerVersions versions;
    private final VersionStore versionStore;
    private final RunnerValidator validator;
    private final ProjectStore projects;
    private final StepReferences references;
    private final RunnerCycles cycles;
    private final JsonMapper json;
    private final Clock clock;
    private final GatedRunners gate;
    private final PublishGate publishGate;

    RunnerController(RunnerStore runners, RunnerVersions versions, VersionStore versionStore, RunnerValidator validator, ProjectStore projects,
            StepReferences references, RunnerCycles cycles, JsonMapper json, Clock clock, GatedRunners gate, PublishGate publishGate) {
        this.gate = gate;
        this.publishGate = publishGate;
        this.references = references;
        this.cycles = cycles;
        this.runners = runners;
        this.versions = versions;
        this.versionStore = versionStore;
        this.validator = validator;
        this.projects = projects;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping
    @Operation(summary = "Create a runner", description = "JSON or YAML (application/yaml) body. An invalid draft is saved with valid=false.")
    ResponseEntity<RunnerViews.Runner> create(Caller caller, @RequestBody RunnerDraft body) {
        checkShape(body, true);
        String name = body.name().strip();
        checkProject(caller, body.projectId());
        checkReferences(caller, body.projectId(), body.steps());
        if (runners.nameTaken(caller.orgId(), body.projectId(), name, null)) {
            throw ApiException.conflict("A runner named '" + name + "' already exists");
        }
        Instant now = clock.instant();
        StoredRunner runner = withHash(new StoredRunner(UUID.randomUUID(), caller.orgId(), body.projectId(), name, body.description(),
                body.defaultModel(), nullIfJsonNull(body.inputSchema()), body.steps() == null ? List.of() : body.steps(),
                nullIfJsonNull(body.output()), null, null, now, now));
        runners.insert(runner);
        return ResponseEntity.created(URI.create("/api/v1/runners/" + runner.id())).body(view(find(caller, runner.id())));
    }

    @Operation(summary = "List runners", description = "The runners of the projects the key sees, paged.")
    @GetMapping
    public PageQuery.Paged<RunnerViews.Runner> list(Caller caller, PageQuery page, @RequestParam(name = "project_id", required = false) UUID projectId) {
        List<RunnerViews.Runner> data = runners.list(caller, projectId, page).stream().map(this::view).toList();
        return page.result(data, runners.count(caller, projectId));
    }

    @Operation(summary = "Get a runner",
            description = "The draft: {name, description, default_model, input_schema, project_id, steps, output, latest_version}.")
    @GetMapping("/{id}")
    public RunnerViews.Runner get(Caller caller, @PathVariable UUID id) {
        return view(find(caller, id));
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Update a runner's draft", description = "Fields left out keep their value; input_schema and output are cleared by "
            + "an explicit null.")
    RunnerViews.Runner update(Caller caller, @PathVariable UUID id, @RequestBody RunnerDraft body) {
        StoredRunner current = find(caller, id);
        checkShape(body, false);
        String name = body.name() == null ? current.name() : body.name().strip();
        if (body.projectId() != null) {
            checkProject(caller, body.projectId());
        }
        UUID project = body.projectId() == null ? current.projectId() : body.projectId();
        if (body.steps() != null || !Objects.equals(project, current.projectId())) {
            checkReferences(caller, project, body.steps() == null ? current.steps() : body.steps());
        }
        if ((!name.equals(current.name()) || !Objects.equals(project, current.projectId())) && runners.nameTaken(caller.orgId(), project, name, id)) {
            throw ApiException.conflict("A runner named '" + name + "' already exists");
        }
        StoredRunner updated = withHash(new StoredRunner(id, caller.orgId(), body.projectId() == null ? current.projectId() : body.projectId(),
                name, body.description() == null ? current.description() : body.description(),
                body.defaultModel() == null ? current.defaultModel() : body.defaultModel(),
                body.inputSchema() == null ? current.inputSchema() : nullIfJsonNull(body.inputSchema()),
                body.steps() == null ? current.steps() : body.steps(),
                body.output() == null ? current.output() : nullIfJsonNull(body.output()),
                null, current.latestVersion(), current.createdAt(), clock.instant()));
        runners.update(updated);
        return get(caller, id);
    }

    /**
     * {@link #update} with a draft given as a tree (the console's YAML editor, parsed): bound by
     * the same JSON rules as a request body, so a field of the wrong type is the same 422.
     */
    public RunnerViews.Runner updateDraft(Caller caller, UUID id, JsonNode draft) {
        RunnerDraft body;
        try {
            body = json.treeToValue(draft, RunnerDraft.class);
        } catch (tools.jackson.core.JacksonException e) {
            throw ApiException.badRequest("The draft does not fit a runner: " + e.getOriginalMessage());
        }
        return update(caller, id, body);
    }

    @Operation(summary = "Delete a runner", description = "With its versions, triggers and connections. 204.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        find(caller, id);
        runners.delete(caller.orgId(), id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/validate")
    @Operation(summary = "Validate the draft", description = "Dry run: 200 {valid, errors: [{step_id, path, message}]}; nothing is saved.")
    public RunnerViews.Validation validate(Caller caller, @PathVariable UUID id) {
        StoredRunner runner = find(caller, id);
        List<ValidationError> errors = new ArrayList<>(validator.validate(runner.steps(), runner.output(), runner.inputSchema()));
        errors.addAll(references.check(caller.orgId(), runner.projectId(), runner.steps(), ""));
        errors.addAll(cycles.check(caller.orgId(), id, runner.steps()));
        return new RunnerViews.Validation(errors.isEmpty(), errors);
    }

    @PostMapping("/{id}/versions")
    @Operation(summary = "Publish the draft as a new immutable version",
            description = "201 with the new version. When the draft equals the latest version nothing is published and that version is "
                    + "returned with 200. An invalid draft is 422 VALIDATION_FAILED with details.errors [{step_id, path, message}]. With a "
                    + "publish gate the draft is stored as a candidate version and the gate's experiment runs it against the latest version, "
                    + "waited for up to griddle.experiments.gate-wait: at or above min_pass_rate it is published (201); below it, 422 "
                    + "PUBLISH_GATE_FAILED naming pass_rate with details.experiment_id; still running at the end of the wait, 202 with the "
                    + "experiment's link (the version is published when the experiment passes).")
    public ResponseEntity<?> publish(Caller caller, @PathVariable UUID id) {
        find(caller, id);
        if (gate.gated(caller.orgId(), id)) {
            return publishThroughGate(caller, id);
        }
        RunnerVersions.Published published = versions.publish(caller.orgId(), id);
        RunnerViews.Version body = RunnerViews.Version.of(published.version());
        if (!published.created()) {
            return ResponseEntity.ok(body);
        }
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/api/v1/runners/" + id + "/versions/" + body.version())).body(body);
    }

    /** A version staged for the gate, published (201) when its experiment passes, refused (422) below it, 202 while it still runs. */
    private ResponseEntity<?> publishThroughGate(Caller caller, UUID id) {
        Integer baseline = runners.find(caller.orgId(), id).map(StoredRunner::latestVersion).orElse(null);
        RunnerVersions.Published staged = versions.stage(caller.orgId(), id);
        RunnerViews.Version body = RunnerViews.Version.of(staged.version());
        if (!staged.created()) {
            return ResponseEntity.ok(body);
        }
        PublishGate.Verdict verdict = publishGate.check(caller, id, staged.version().version(), baseline);
        URI experiment = URI.create("/api/v1/experiments/" + verdict.experimentId());
        if (verdict.passed()) {
            versions.promote(caller.orgId(), id, staged.version().version());
            return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/api/v1/runners/" + id + "/versions/" + body.version())).body(body);
        }
        if (verdict.status().equals("queued") || verdict.status().equals("running")) {
            return ResponseEntity.accepted().location(experiment).body(new RunnerViews.GatePending(staged.version().version(), verdict.experimentId(),
                    verdict.status(), experiment.toString()));
        }
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        String problem = verdict.passRate() == null ? "the gate's experiment " + verdict.status() + (verdict.error() == null ? "" : ": " + verdict.error())
                : "was " + verdict.passRate() + ", below the gate's min_pass_rate " + verdict.minPassRate();
        details.put("field_errors", Map.of("pass_rate", List.of(problem)));
        details.put("experiment_id", verdict.experimentId());
        details.put("experiment_url", experiment.toString());
        details.put("pass_rate", verdict.passRate());
        details.put("min_pass_rate", verdict.minPassRate());
        details.put("version", staged.version().version());
        throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "PUBLISH_GATE_FAILED", "Version " + staged.version().version() + " of runner " + id
                + " is not published: pass_rate " + problem + " (experiment " + verdict.experimentId() + ")", details,
                "GET " + experiment + " shows each case's evaluations and diff");
    }

    @GetMapping("/{id}/versions")
    @Operation(summary = "List published versions", description = "Newest first.")
    public PageQuery.Paged<RunnerViews.Version> versions(Caller caller, @PathVariable UUID id, PageQuery page) {
        find(caller, id);
        List<RunnerViews.Version> data = versionStore.list(caller.orgId(), id, page.perPage(), page.offset()).stream()
                .map(RunnerViews.Version::of).toList();
        return page.result(data, versionStore.count(caller.orgId(), id));
    }

    @Operation(summary = "Get a published version", description = "The immutable step graph of version n.")
    @GetMapping("/{id}/versions/{version}")
    public RunnerViews.Version version(Caller caller, @PathVariable UUID id, @PathVariable int version) {
        find(caller, id);
        return versionStore.find(caller.orgId(), id, version).map(RunnerViews.Version::of)
                .orElseThrow(() -> ApiException.notFound("Runner " + id + " has no version " + version));
    }

    /** The runner if it is in the caller's organization and visible to its key; otherwise 404. */
    private StoredRunner find(Caller caller, UUID id) {
        return runners.find(caller.orgId(), id).filter(r -> caller.sees(r.projectId())).orElseThrow(() -> ApiException.notFound("runner", id));
    }

    private void checkProject(Caller caller, UUID projectId) {
        if (projectId == null) {
            if (!caller.allProjects()) {
                throw ApiException.fieldErrors(java.util.Map.of("project_id", List.of("required for a key limited to some projects")));
            }
            return;
        }
        Optional<?> project = projects.visible(caller, projectId);
        if (project.isEmpty()) {
            throw ApiException.fieldErrors(java.util.Map.of("project_id", List.of("no project '" + projectId + "' visible to this key")));
        }
    }

    /** The reference rule (docs/security.md): a literal runner_id or agent_id must be one a key of the runner's project sees. */
    private void checkReferences(Caller caller, UUID projectId, List<RunnerDraft.Step> steps) {
        List<ValidationError> refused = references.check(caller.orgId(), projectId, steps, "");
        if (!refused.isEmpty()) {
            Map<String, List<String>> fields = new LinkedHashMap<>();
            refused.forEach(e -> fields.computeIfAbsent(e.path(), k -> new ArrayList<>()).add(e.message()));
            throw ApiException.fieldErrors(fields);
        }
    }

    private static void checkShape(RunnerDraft body, boolean creating) {
        FieldErrors errors = new FieldErrors();
        if (creating || body.name() != null) {
            errors.required("name", body.name());
        }
        errors.maxLength("name", body.name(), 200).maxLength("description", body.description(), 10_000)
                .maxLength("default_model", body.defaultModel(), 200);
        if (body.steps() != null) {
            for (int i = 0; i < body.steps().size(); i++) {
                if (body.steps().get(i) == null) {
                    errors.add("steps[" + i + "]", "must be an object");
                }
            }
        }
        errors.throwIfAny();
    }

    private StoredRunner withHash(StoredRunner r) {
        return new StoredRunner(r.id(), r.orgId(), r.projectId(), r.name(), r.description(), r.defaultModel(), r.inputSchema(), r.steps(),
                r.output(), versions.hash(json.valueToTree(r.spec())), r.latestVersion(), r.createdAt(), r.updatedAt());
    }

    private RunnerViews.Runner view(StoredRunner r) {
        boolean valid = validator.validate(r.steps(), r.output(), r.inputSchema()).isEmpty();
        return new RunnerViews.Runner(r.id(), r.name(), r.description(), r.defaultModel(), r.inputSchema(), r.projectId(),
                json.valueToTree(r.steps()), r.output(), r.latestVersion(), valid, r.createdAt(), r.updatedAt());
    }

    private static JsonNode nullIfJsonNull(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }
}

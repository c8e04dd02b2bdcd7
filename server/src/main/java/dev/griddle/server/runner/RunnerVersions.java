package dev.griddle.server.runner;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.griddle.server.GriddleProperties;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Publishing drafts as immutable versions, and the engine's view of them ({@link RunnerCatalog}).
 * Publishing locks the runner row, so two concurrent runs of an edited draft publish it once.
 */
@Component
class RunnerVersions implements RunnerCatalog {

    /** The outcome of a publish: the version, and whether this call created it (false: the draft was already published). */
    record Published(VersionStore.StoredVersion version, boolean created) {
    }

    private final RunnerStore runners;
    private final VersionStore versions;
    private final RunnerValidator validator;
    private final InputSchemas schemas;
    private final StepReferences references;
    private final RunnerCycles cycles;
    private final GatedRunners gates;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    /** Versions never change: each is read and parsed once per node (by organization, runner and number). */
    private final Cache<String, Frozen> frozen;

    private record Frozen(VersionStore.StoredVersion version, RunnerSpec spec) {
    }

    RunnerVersions(RunnerStore runners, VersionStore versions, RunnerValidator validator, InputSchemas schemas, StepReferences references,
            RunnerCycles cycles, GatedRunners gates, TransactionTemplate tx, JsonMapper json, Clock clock, GriddleProperties props) {
        this.cycles = cycles;
        this.gates = gates;
        // bounded by weight like the engine's pinned versions (finding M9): a version can be megabytes of steps
        this.frozen = Caffeine.newBuilder().maximumWeight(props.engine().versionCache().toBytes())
                .weigher((String key, Frozen f) -> f.version().spec().toString().length() + key.length()).build();
        this.references = references;
        this.runners = runners;
        this.versions = versions;
        this.validator = validator;
        this.schemas = schemas;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Publishes the draft as version n+1, unless it equals the latest version, which is then returned.
     *
     * @throws ApiException 404 for an unknown runner, 422 with {@code details.errors} for an invalid draft
     */
    Published publish(UUID orgId, UUID runnerId) {
        return tx.execute(status -> {
            Draft draft = checkedDraft(orgId, runnerId);
            Optional<VersionStore.StoredVersion> latest = versions.latest(orgId, runnerId);
            if (latest.isPresent() && latest.get().specHash().equals(draft.hash())) {
                if (latest.get().version() > latestOrZero(draft.runner())) {
                    runners.setLatestVersion(orgId, runnerId, latest.get().version()); // a staged candidate, published now that no gate holds it
                }
                return new Published(latest.get(), false);
            }
            VersionStore.StoredVersion created = insert(orgId, runnerId, draft, latest);
            runners.setLatestVersion(orgId, runnerId, created.version());
            return new Published(created, true);
        });
    }

    /**
     * For a gated runner: stores the draft as an immutable version without making it the latest
     * (a candidate for the gate's experiment; {@link #promote} publishes it). The draft equal to
     * the latest published version is that version ({@code created} false); equal to a staged
     * candidate, that candidate again.
     */
    Published stage(UUID orgId, UUID runnerId) {
        return tx.execute(status -> {
            Draft draft = checkedDraft(orgId, runnerId);
            Integer published = draft.runner().latestVersion();
            if (published != null) {
                Optional<VersionStore.StoredVersion> current = versions.find(orgId, runnerId, published);
                if (current.isPresent() && current.get().specHash().equals(draft.hash())) {
                    return new Published(current.get(), false);
                }
            }
            Optional<VersionStore.StoredVersion> latest = versions.latest(orgId, runnerId);
            if (latest.isPresent() && latest.get().specHash().equals(draft.hash()) && latest.get().version() > latestOrZero(draft.runner())) {
                return new Published(latest.get(), true);
            }
            return new Published(insert(orgId, runnerId, draft, latest), true);
        });
    }

    /** Makes a staged version the latest published one, unless a later one is already. */
    void promote(UUID orgId, UUID runnerId, int version) {
        tx.executeWithoutResult(status -> runners.lock(orgId, runnerId).filter(r -> latestOrZero(r) < version)
                .ifPresent(r -> runners.setLatestVersion(orgId, runnerId, version)));
    }

    private static int latestOrZero(StoredRunner runner) {
        return runner.latestVersion() == null ? 0 : runner.latestVersion();
    }

    private record Draft(StoredRunner runner, JsonNode spec, String hash) {
    }

    /** The runner's draft, locked and checked. @throws ApiException 404 unknown runner, 422 invalid draft */
    private Draft checkedDraft(UUID orgId, UUID runnerId) {
        StoredRunner runner = runners.lock(orgId, runnerId).orElseThrow(() -> ApiException.notFound("runner", runnerId));
        List<ValidationError> errors = new ArrayList<>(validator.validate(runner.steps(), runner.output(), runner.inputSchema()));
        // references are checked again here: what they name may have moved to another project since the draft was saved
        errors.addAll(references.check(orgId, runner.projectId(), runner.steps(), ""));
        errors.addAll(cycles.check(orgId, runnerId, runner.steps()));
        if (!errors.isEmpty()) {
            throw invalidDraft(runner, errors);
        }
        JsonNode spec = json.valueToTree(runner.spec());
        return new Draft(runner, spec, hash(spec));
    }

    private VersionStore.StoredVersion insert(UUID orgId, UUID runnerId, Draft draft, Optional<VersionStore.StoredVersion> latest) {
        int next = latest.map(v -> v.version() + 1).orElse(1);
        VersionStore.StoredVersion created = new VersionStore.StoredVersion(runnerId, next, draft.runner().name(), draft.spec(), draft.hash(),
                clock.instant());
        versions.insert(orgId, created);
        return created;
    }

    @Override
    public PinnedRunner pinForRun(UUID orgId, UUID runnerId, Integer version, ProjectScope scope) {
        // visibility first: nothing (not even publishing the draft) happens for a runner the scope does not see
        RunnerStore.Head runner = runners.head(orgId, runnerId).filter(r -> scope.sees(r.projectId()))
                .orElseThrow(() -> ApiException.notFound("runner", runnerId));
        Optional<PinnedRunner> existing = existing(orgId, runnerId, runner, version);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (version != null) {
            throw ApiException.notFound("Runner " + runnerId + " has no version " + version);
        }
        if (gates.gated(orgId, runnerId)) {
            // a gated runner's draft is published only past its gate: runs without a version take the latest published one
            if (runner.latestVersion() == null) {
                throw ApiException.validation("PUBLISH_GATE", "Runner " + runnerId + " has a publish gate and no published version yet: publish "
                        + "the draft with POST /api/v1/runners/" + runnerId + "/versions, which runs the gate's experiment", Map.of());
            }
            return frozen(orgId, runnerId, runner.latestVersion()).map(v -> pinned(runner.projectId(), v))
                    .orElseThrow(() -> ApiException.notFound("Runner " + runnerId + " has no version " + runner.latestVersion()));
        }
        VersionStore.StoredVersion published = publish(orgId, runnerId).version();
        return pinned(runner.projectId(), published);
    }

    @Override
    public Optional<PinnedRunner> pinnedWithoutPublishing(UUID orgId, UUID runnerId, Integer version, ProjectScope scope) {
        return runners.head(orgId, runnerId).filter(r -> scope.sees(r.projectId())).flatMap(r -> existing(orgId, runnerId, r, version));
    }

    /** {@code version}, or the latest version when the draft equals it; reads only. */
    private Optional<PinnedRunner> existing(UUID orgId, UUID runnerId, RunnerStore.Head runner, Integer version) {
        if (version != null) {
            return frozen(orgId, runnerId, version).map(v -> pinned(runner.projectId(), v));
        }
        // Fast path, no lock: the draft is already the latest version (the common case of "run it again").
        // Locking the runner row on every start would serialise all runs of a runner.
        if (runner.latestVersion() == null || runner.draftHash() == null) {
            return Optional.empty();
        }
        return frozen(orgId, runnerId, runner.latestVersion()).filter(latest -> latest.version().specHash().equals(runner.draftHash()))
                .map(latest -> pinned(runner.projectId(), latest));
    }

    /** The version, parsed, from this node's cache or the database; versions are immutable, so nothing invalidates it. */
    private Optional<Frozen> frozen(UUID orgId, UUID runnerId, int version) {
        String key = orgId + "/" + runnerId + "@" + version;
        Frozen cached = frozen.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Frozen> loaded = versions.find(orgId, runnerId, version).map(v -> new Frozen(v, spec(v.spec())));
        loaded.ifPresent(f -> frozen.put(key, f));
        return loaded;
    }

    @Override
    public Optional<PinnedRunner> version(UUID orgId, UUID runnerId, int version) {
        // The project comes from the runner row when it still exists; a deleted runner's versions stay loadable.
        UUID projectId = runners.head(orgId, runnerId).map(RunnerStore.Head::projectId).orElse(null);
        return frozen(orgId, runnerId, version).map(v -> pinned(projectId, v));
    }

    @Override
    public void validateInput(PinnedRunner runner, JsonNode input) {
        JsonNode schema = runner.spec().inputSchema();
        if (schema == null || schema.isNull()) {
            return;
        }
        JsonNode value = input == null || input.isNull() || input.isMissingNode() ? JsonNodeFactory.instance.objectNode() : input;
        List<InputSchemas.Problem> problems = schemas.validate(runner.runnerId() + "@" + runner.version(), schema, value);
        if (problems.isEmpty()) {
            return;
        }
        List<Map<String, Object>> errors = new ArrayList<>();
        for (InputSchemas.Problem p : problems) {
            errors.add(Map.of("path", p.path().isEmpty() ? "input" : p.path().startsWith("[") ? "input" + p.path() : "input." + p.path(),
                    "message", p.message()));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("errors", errors);
        throw ApiException.validation("VALIDATION_FAILED", "Input does not match the input_schema of runner '" + runner.name() + "' version "
                + runner.version() + ": " + errors.getFirst().get("path") + ": " + problems.getFirst().message()
                + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""), details);
    }

    static ApiException invalidDraft(StoredRunner runner, List<ValidationError> errors) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("errors", RunnerValidator.details(errors));
        ValidationError first = errors.getFirst();
        return ApiException.validation("VALIDATION_FAILED", "The draft of runner '" + runner.name() + "' is invalid: " + first.path() + " "
                + first.message() + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""), details);
    }

    /** A stored version's content, typed; a step that fails today's checks loads as {@link StepSpec.Unusable} and fails when it starts. */
    RunnerSpec spec(JsonNode stored) {
        return json.treeToValue(stored, RunnerSpec.Stored.class).typed();
    }

    private PinnedRunner pinned(UUID projectId, VersionStore.StoredVersion v) {
        return new PinnedRunner(v.runnerId(), v.name(), projectId, v.version(), spec(v.spec()));
    }

    private static PinnedRunner pinned(UUID projectId, Frozen f) {
        return new PinnedRunner(f.version().runnerId(), f.version().name(), projectId, f.version().version(), f.spec());
    }

    /** SHA-256 of the spec with object keys sorted, so equal content hashes equal whatever the key order. */
    String hash(JsonNode spec) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.writeValueAsString(canonical(spec)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            ObjectNode sorted = JsonNodeFactory.instance.objectNode();
            node.propertyNames().stream().sorted().forEach(name -> sorted.set(name, canonical(node.get(name))));
            return sorted;
        }
        if (node.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> out.add(canonical(item)));
            return out;
        }
        return node;
    }
}

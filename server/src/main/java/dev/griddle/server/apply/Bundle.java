package dev.griddle.server.apply;

import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.JsonPaths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One apply call while it is planned: the caller, the problems and warnings found so far, the
 * keys the bundle declares (with the ids their objects have or will get), and reference resolution.
 * Sections use it to report and to resolve; it writes nothing.
 */
public final class Bundle {

    /** Why the bundle cannot be applied; {@code path} locates the value, like {@code agents[0].mcps[0].mcp_server}. */
    public record Problem(String kind, String name, String path, String message) {
    }

    public record Warning(String kind, String name, String path, String message) {
    }

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    /** Fields whose values are secrets: never quoted back. */
    private static final Set<String> SECRET_FIELDS = Set.of("password", "headers", "credentials", "openai_api_key", "anthropic_api_key");

    private final Caller caller;
    private final JsonMapper json;
    private final Map<String, BundleSection> sections = new HashMap<>();
    private final List<OwnerFields> ownerFields;
    private final Map<String, Map<String, UUID>> declared = new HashMap<>();
    private final Map<UUID, Optional<UUID>> declaredProjects = new HashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    private final List<Warning> warnings = new ArrayList<>();

    Bundle(Caller caller, JsonMapper json, List<BundleSection> sections, List<OwnerFields> ownerFields) {
        this.caller = caller;
        this.json = json;
        sections.forEach(s -> this.sections.put(s.kind(), s));
        this.ownerFields = ownerFields;
    }

    public Caller caller() {
        return caller;
    }

    public void problem(String kind, String name, String path, String message) {
        problems.add(new Problem(kind, name, path, message));
    }

    /** Adds field errors (whose field names already carry the object's path) as problems; true when there were any. */
    public boolean problems(String kind, String name, FieldErrors errors) {
        errors.asMap().forEach((field, messages) -> messages.forEach(m -> problem(kind, name, field, m)));
        return !errors.isEmpty();
    }

    /** Whether a problem was already reported at {@code path} (so a second check of the same value does not repeat it). */
    public boolean hasProblemAt(String path) {
        return problems.stream().anyMatch(p -> path.equals(p.path()));
    }

    public void warning(String kind, String name, String path, String message) {
        warnings.add(new Warning(kind, name, path, message));
    }

    /**
     * The {@code project_id} the bundle gives the object it declares with this id (empty inside:
     * none), or empty when the bundle declares no object with this id. For the reference rule on
     * objects that apply has yet to create.
     */
    public Optional<Optional<UUID>> declaredProject(UUID id) {
        return Optional.ofNullable(declaredProjects.get(id));
    }

    /** The id the bundle's object of this kind and key has (when it exists) or will get (when apply creates it). */
    public UUID idFor(String kind, String key) {
        UUID id = key == null ? null : declared.getOrDefault(kind, Map.of()).get(key);
        return id == null ? UUID.randomUUID() : id;
    }

    /**
     * Resolves a reference to an object of {@code kind}: an id of one in the caller's organization,
     * or a key (name; slug for MCP servers) of one in the bundle or in the organization. Adds a
     * problem at {@code path} and returns empty when there is none.
     */
    public Optional<UUID> resolve(String kind, JsonNode ref, String path) {
        BundleSection section = sections.get(kind);
        String what = kind.replace('_', ' ');
        if (ref == null || ref.isNull() || ref.isMissingNode() || (ref.isString() && ref.asString().isBlank())) {
            problem(kind, null, path, "required: the " + (section == null ? "name" : section.keyField()) + " or id of a " + what);
            return Optional.empty();
        }
        if (!ref.isString()) {
            problem(kind, null, path, "must be a string: the " + (section == null ? "name" : section.keyField()) + " or id of a " + what);
            return Optional.empty();
        }
        String value = ref.asString().strip();
        if (section == null) {
            problem(kind, value, path, "apply cannot resolve references to a " + what);
            return Optional.empty();
        }
        Optional<UUID> id = uuid(value);
        if (id.isPresent()) {
            if (section.exists(caller, id.get())) {
                return id;
            }
            problem(kind, value, path, "no " + what + " with id '" + value + "' in this organization");
            return Optional.empty();
        }
        UUID inBundle = declared.getOrDefault(kind, Map.of()).get(value);
        Optional<UUID> found = inBundle != null ? Optional.of(inBundle) : section.findByKey(caller, value);
        if (found.isEmpty()) {
            problem(kind, value, path, "no " + what + " with " + section.keyField() + " '" + value + "' in the bundle or in this organization");
        }
        return found;
    }

    /** Binds one object of a section to its request record, reporting a wrong shape or type at its path. */
    public <T> Optional<T> bind(JsonNode object, Class<T> type, String kind, String path) {
        if (!object.isObject()) {
            problem(kind, null, path, "must be an object");
            return Optional.empty();
        }
        try {
            return Optional.of(json.treeToValue(object, type));
        } catch (JacksonException e) {
            String at = e.getPath().isEmpty() ? path : path + "." + JsonPaths.describe(e.getPath());
            boolean secret = e.getPath().stream().anyMatch(r -> SECRET_FIELDS.contains(r.getPropertyName()));
            // Jackson's message may quote the value, and a secret must not come back in an error
            problem(kind, key(object, "name"), at, secret ? "has the wrong type (a string was expected)" : "is invalid: " + e.getOriginalMessage());
            return Optional.empty();
        }
    }

    /** The checks of one bound object; problems go under {@code prefix} (the object's path and a dot). */
    @FunctionalInterface
    public interface Checks<B> {
        void check(B body, String prefix, FieldErrors errors);
    }

    /**
     * The usual shape of a section: each object bound to {@code type}, its unknown fields warned
     * about, checked, and planned by {@code plan} when nothing is wrong with it.
     */
    public <B> List<Planned> planEach(BundleSection section, JsonNode objects, Class<B> type, Set<String> fields, Function<B, String> key,
            Checks<B> checks, Function<B, Planned> plan) {
        List<Planned> out = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            String path = section.section() + "[" + i + "]";
            Optional<B> bound = bind(objects.get(i), type, section.kind(), path);
            if (bound.isEmpty()) {
                continue;
            }
            B body = bound.get();
            warnUnknownFields(objects.get(i), fields, section.kind(), key.apply(body), path);
            FieldErrors errors = new FieldErrors();
            checks.check(body, path + ".", errors);
            if (!problems(section.kind(), key.apply(body), errors)) {
                out.add(plan.apply(body));
            }
        }
        return out;
    }

    /** Warns about the fields of {@code object} that apply does not read (a typo is ignored, not guessed at). */
    public void warnUnknownFields(JsonNode object, Set<String> known, String kind, String name, String path) {
        for (String field : object.propertyNames()) {
            if (!known.contains(field) && !field.startsWith("_")) {
                warning(kind, name, path + "." + field, "unknown field; ignored");
            }
        }
    }

    /** The fields other features read from an owner of this kind ({@code runner} or {@code agent}). */
    public Set<String> ownerFieldNames(String ownerKind) {
        Set<String> out = new LinkedHashSet<>();
        ownerFields.forEach(f -> out.addAll(f.fields(ownerKind)));
        return out;
    }

    /** Plans the fields of a runner or an agent that other features store: only those that change. */
    public List<OwnerFields.Change> ownerFields(OwnerFields.Owner owner, JsonNode definition, String path) {
        List<OwnerFields.Change> out = new ArrayList<>();
        ownerFields.forEach(f -> out.addAll(f.plan(this, owner, definition, path)));
        return out;
    }

    /** JSON equality that takes {@code 1}, {@code 1.0} and {@code 1.00} as the same number, as a database round trip may. */
    public static boolean sameJson(JsonNode a, JsonNode b) {
        if (a == null || a.isNull() || a.isMissingNode()) {
            return b == null || b.isNull() || b.isMissingNode();
        }
        return b != null && a.equals(NUMBERS_BY_VALUE, b);
    }

    /** The object's key field, stripped, or null when it is not a non-blank string. */
    public static String key(JsonNode object, String field) {
        JsonNode v = object.path(field);
        return v.isString() && !v.asString().isBlank() ? v.asString().strip() : null;
    }

    private static Optional<UUID> uuid(String value) {
        if (value.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Records the keys of a section's objects (before any section is planned, so references may point forward). */
    void declare(BundleSection section, JsonNode objects) {
        Map<String, UUID> keys = declared.computeIfAbsent(section.kind(), k -> new HashMap<>());
        for (int i = 0; i < objects.size(); i++) {
            String key = section.keyOf(objects.get(i));
            if (key == null) {
                continue;
            }
            if (keys.containsKey(key)) {
                problem(section.kind(), key, section.section() + "[" + i + "]." + section.keyField(),
                        "the bundle has " + section.kind().replace('_', ' ') + " '" + key + "' twice");
                continue;
            }
            keys.put(key, section.findDeclared(caller, key, objects.get(i)).orElseGet(UUID::randomUUID));
            declaredProjects.put(keys.get(key), Optional.ofNullable(uuid(objects.get(i).path("project_id").asString("")).orElse(null)));
        }
    }

    List<Problem> problems() {
        return problems;
    }

    List<Warning> warnings() {
        return warnings;
    }
}

package dev.griddle.server.runner;

import dev.griddle.server.expr.Templates;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The per-type rules of a step and the typed {@link StepSpec} they give, for three moments:
 * publishing a draft (every problem, with its path), loading a stored version (a step that
 * fails becomes {@link StepSpec.Unusable}, so an old version still loads), and starting a step
 * (its rendered arguments, strictly). Before rendering, a string holding a {@code {{ }}} template
 * stands for any value and is checked once rendered. Pure, so it is unit-tested directly.
 */
final class StepParser {

    private static final List<String> TYPES = List.of("transform", "http", "llm", "tool", "approval", "wait", "runner", "task", "retrieve", "session");
    private static final Set<String> SCOPE_TYPES = Set.of("org", "project", "agent", "runner");
    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    /** Types that stand for one thing each (an approval, a child run), so they cannot fan out. */
    private static final Set<String> NO_FOR_EACH = Set.of("approval", "runner", "session");
    /** Types only the server runs (they read its knowledge index), so no worker host may be asked to. */
    private static final Set<String> SERVER_ONLY = Set.of("retrieve");
    /** The most {@code scopes} one retrieve step may name (docs/knowledge.md). */
    static final int MAX_RETRIEVE_SCOPES = 20;
    private static final JsonNode NO_ARGUMENTS = JsonNodeFactory.instance.objectNode();

    /** One problem with a step; {@code path} is relative to the step, like {@code with.on_timeout}. */
    record Problem(String path, String message) {
    }

    private StepParser() {
    }

    /** The step as far as it parses (a field with a problem is null; null for an unknown type); its problems go to {@code problems}. */
    static StepSpec read(StoredStep step, List<Problem> problems) {
        return read(step.type(), step.common(), step.with(), false, problems);
    }

    /** {@link #read} without the problems, for checks that leave them to the validator (null for an unknown type). */
    static StepSpec shape(StoredStep step) {
        return read(step, new ArrayList<>());
    }

    /** The typed step, or {@link StepSpec.Unusable} naming what is wrong with it. */
    static StepSpec load(String type, StepCommon common, JsonNode with) {
        List<Problem> problems = new ArrayList<>();
        StepSpec spec = read(type, common, with, false, problems);
        return problems.isEmpty() ? spec : new StepSpec.Unusable(common, type, with, describe(type, problems));
    }

    /** @see StepSpec#rendered */
    @SuppressWarnings("unchecked") // the same type name gives the same record
    static <T extends StepSpec> T rendered(T spec, JsonNode arguments) {
        if (spec instanceof StepSpec.Unusable unusable) {
            throw new InvalidStepArguments(unusable.problem());
        }
        List<Problem> problems = new ArrayList<>();
        StepSpec typed = read(spec.type(), spec.common(), arguments, true, problems);
        if (!problems.isEmpty()) {
            throw new InvalidStepArguments(describe(spec.type(), problems));
        }
        return (T) typed;
    }

    private static String describe(String type, List<Problem> problems) {
        Problem first = problems.getFirst();
        return (type == null ? "step" : type) + ": " + first.path() + " " + first.message()
                + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "");
    }

    private static StepSpec read(String type, StepCommon common, JsonNode with, boolean rendered, List<Problem> problems) {
        if (type == null || type.isBlank()) {
            problems.add(new Problem("type", "required; one of " + TYPES));
            return null;
        }
        if (!TYPES.contains(type)) {
            problems.add(new Problem("type", "unknown step type '" + type + "'; one of " + TYPES));
            return null;
        }
        if (common.forEach() != null && NO_FOR_EACH.contains(type)) {
            problems.add(new Problem("for_each", "is not supported on " + type + " steps"));
        }
        if (!common.runsOn().isEmpty() && SERVER_ONLY.contains(type)) {
            problems.add(new Problem("runs_on", "is not supported on " + type + " steps: they search the server's knowledge index, which a worker host "
                    + "does not have; leave runs_on out"));
        }
        if (with != null && !with.isNull() && !with.isObject()) {
            problems.add(new Problem("with", "must be an object, was " + with.getNodeType().name().toLowerCase(Locale.ROOT)));
            return null;
        }
        Arguments args = new Arguments(type, with == null || with.isNull() ? NO_ARGUMENTS : with, rendered, problems);
        return switch (type) {
            case "transform" -> new StepSpec.Transform(common, with, args.required("value"));
            case "http" -> new StepSpec.Http(common, with, args.choice("method", HTTP_METHODS), args.text("url"));
            case "llm" -> new StepSpec.Llm(common, with, args.text("prompt"), args.literal("model"), args.uuid("agent_id", false));
            case "tool" -> new StepSpec.Tool(common, with, args.text("tool"));
            case "approval" -> new StepSpec.Approval(common, with, args.optionalString("message"), args.integer("timeout_ms", 1, Long.MAX_VALUE),
                    onTimeout(args));
            case "wait" -> timer(common, with, args, problems);
            case "runner" -> new StepSpec.ChildRun(common, with, args.uuid("runner_id", true), version(args));
            case "task" -> new StepSpec.Task(common, with, args.text("task_type"));
            case "session" -> new StepSpec.SessionStep(common, with, args.text("template"), args.text("prompt"),
                    args.present("wait_for") ? args.choice("wait_for", Set.of("exit", "idle")) : "exit", args.present("keep") ? keep(args) : false,
                    args.integer("timeout_ms", 1, Long.MAX_VALUE));
            case "retrieve" -> new StepSpec.Retrieve(common, with, args.text("query"), scopes(args), topK(args));
            default -> throw new IllegalStateException("step type '" + type + "' is listed in TYPES but has no case");
        };
    }

    private static StepSpec.Wait timer(StepCommon common, JsonNode with, Arguments args, List<Problem> problems) {
        boolean duration = args.present("duration_ms");
        boolean until = args.present("until");
        if (!duration && !until) {
            problems.add(new Problem("with", "a wait step needs duration_ms or until"));
        } else if (duration && until) {
            problems.add(new Problem("with", "a wait step takes duration_ms or until, not both"));
        }
        return new StepSpec.Wait(common, with, args.integer("duration_ms", 0, Long.MAX_VALUE), args.instant("until"));
    }

    private static Boolean keep(Arguments args) {
        JsonNode v = args.with().get("keep");
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isString() && args.templated(v.asString())) {
            return null;
        }
        args.problems().add(new Problem("with.keep", "must be true or false"));
        return null;
    }

    private static StepSpec.OnTimeout onTimeout(Arguments args) {
        if (!args.present("on_timeout")) {
            return StepSpec.OnTimeout.REJECT;
        }
        String choice = args.choice("on_timeout", Set.of("reject", "approve"));
        return choice == null ? null : StepSpec.OnTimeout.valueOf(choice.toUpperCase(Locale.ROOT));
    }

    /** {@code scopes}: a list of {@code {scope_type, scope_id}}; null when absent or a template (checked once rendered). */
    private static List<StepSpec.ScopeName> scopes(Arguments args) {
        if (!args.present("scopes")) {
            return null;
        }
        JsonNode node = args.with().get("scopes");
        if (node.isString() && args.templated(node.asString())) {
            return null;
        }
        if (!node.isArray()) {
            args.problem("scopes", "must be a list of {scope_type, scope_id}" + args.orTemplate() + ", was " + node.getNodeType().name().toLowerCase(Locale.ROOT));
            return null;
        }
        if (node.size() > MAX_RETRIEVE_SCOPES) {
            args.problem("scopes", "must name at most " + MAX_RETRIEVE_SCOPES + " scopes, named " + node.size());
            return null;
        }
        List<StepSpec.ScopeName> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            String at = "scopes[" + i + "]";
            if (!entry.isObject()) {
                args.problem(at, "must be an object {scope_type, scope_id}");
                continue;
            }
            Arguments scope = new Arguments(args.type(), entry, args.rendered(), args.problems(), "with." + at + ".");
            String type = scope.choice("scope_type", SCOPE_TYPES);
            boolean hasId = scope.present("scope_id");
            UUID id = hasId ? scope.uuid("scope_id", true) : null;
            if ("org".equals(type) && hasId) {
                scope.problem("scope_id", "must be left out for scope_type org");
            } else if (type != null && !"org".equals(type) && !hasId) {
                scope.problem("scope_id", "required for scope_type " + type);
            }
            out.add(new StepSpec.ScopeName(type, id));
        }
        return out;
    }

    private static Integer topK(Arguments args) {
        Long topK = args.integer("top_k", 1, Long.MAX_VALUE);
        // the upper bound is a setting (griddle.knowledge.max-top-k), checked when the step runs
        return topK == null ? null : (int) Math.min(topK, Integer.MAX_VALUE);
    }

    private static Integer version(Arguments args) {
        Long version = args.integer("version", 1, Integer.MAX_VALUE);
        return version == null ? null : version.intValue();
    }

    /** Reads the fields of one step's {@code with} (an object), or of an object inside it, noting problems at {@code <prefix><field>} ({@code with.<field>}). */
    private record Arguments(String type, JsonNode with, boolean rendered, List<Problem> problems, String prefix) {

        Arguments(String type, JsonNode with, boolean rendered, List<Problem> problems) {
            this(type, with, rendered, problems, "with.");
        }

        boolean present(String field) {
            return with.hasNonNull(field);
        }

        /** Any JSON value, null included, that must be there. */
        JsonNode required(String field) {
            if (!with.has(field)) {
                problem(field, "required for a step of type '" + type + "'");
            }
            return with.get(field);
        }

        /** A non-empty string that must be there, as written (it may hold templates). */
        String text(String field) {
            if (!present(field)) {
                problem(field, "required for a step of type '" + type + "'");
                return null;
            }
            return nonEmpty(field);
        }

        String optionalString(String field) {
            if (!present(field)) {
                return null;
            }
            if (!with.get(field).isString()) {
                problem(field, "must be a string");
                return null;
            }
            return with.get(field).asString();
        }

        /** An optional non-empty string taken literally: null when absent or templated. */
        String literal(String field) {
            String value = present(field) ? nonEmpty(field) : null;
            return value == null || templated(value) ? null : value;
        }

        /** A required string that must be one of {@code allowed}; null when templated. */
        String choice(String field, Set<String> allowed) {
            String value = text(field);
            if (value == null || templated(value)) {
                return null;
            }
            if (!allowed.contains(value)) {
                problem(field, "must be one of " + allowed.stream().sorted().toList() + orTemplate() + ", was '" + value + "'");
                return null;
            }
            return value;
        }

        /** An id: a UUID in its 36-character form; null when absent (and optional) or templated. */
        UUID uuid(String field, boolean required) {
            String value = required ? text(field) : literal(field);
            if (value == null || templated(value)) {
                return null;
            }
            String id = value.strip();
            try {
                if (id.length() == 36) {
                    return UUID.fromString(id);
                }
            } catch (IllegalArgumentException notAnId) {
                // reported below
            }
            problem(field, "must be an id (a UUID)" + orTemplate() + ", was '" + value + "'");
            return null;
        }

        /** A whole number in {@code [min, max]}, or a string holding one; null when absent or templated. */
        Long integer(String field, long min, long max) {
            if (!present(field)) {
                return null;
            }
            JsonNode node = with.get(field);
            Long value = null;
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                value = node.longValue();
            } else if (node.isString()) {
                if (templated(node.asString())) {
                    return null;
                }
                try {
                    value = Long.parseLong(node.asString().strip());
                } catch (NumberFormatException notANumber) {
                    // reported below
                }
            }
            if (value == null) {
                problem(field, "must be an integer" + orTemplate() + ", was " + node);
                return null;
            }
            if (value < min || value > max) {
                problem(field, (max == Long.MAX_VALUE ? "must be >= " + min : "must be between " + min + " and " + max) + ", was " + value);
                return null;
            }
            return value;
        }

        /** An RFC 3339 timestamp; null when absent or templated. */
        Instant instant(String field) {
            if (!present(field)) {
                return null;
            }
            JsonNode node = with.get(field);
            if (node.isString() && templated(node.asString())) {
                return null;
            }
            try {
                if (node.isString()) {
                    return Instant.parse(node.asString().strip());
                }
            } catch (DateTimeParseException notATime) {
                // reported below
            }
            problem(field, "must be an RFC 3339 timestamp like 2030-01-31T09:00:00Z" + orTemplate() + ", was " + node);
            return null;
        }

        private String nonEmpty(String field) {
            JsonNode node = with.get(field);
            if (!node.isString() || node.asString().isBlank()) {
                problem(field, "must be a non-empty string");
                return null;
            }
            return node.asString();
        }

        boolean templated(String value) {
            return !rendered && Templates.hasTemplate(value);
        }

        String orTemplate() {
            return rendered ? "" : " (or a {{ }} template)";
        }

        void problem(String field, String message) {
            problems.add(new Problem(prefix + field, message));
        }
    }
}

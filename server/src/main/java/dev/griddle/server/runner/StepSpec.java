package dev.griddle.server.runner;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One step of a published version, typed by what it does: parsed once when the version is loaded
 * ({@link StoredStep#toSpec()}) and checked by the same parser when a draft is published, so the
 * engine switches on the variant instead of comparing type names.
 *
 * <p>{@link #with()} keeps the arguments as written, templates and all: the engine renders them
 * when the step starts. Free text (a prompt, a url, a message) is held as written; a typed field
 * (an id, a number, a choice, a time) that is a {@code {{ }}} template is null until then, and
 * {@link #rendered} checks and types the rendered arguments with the same rules as publishing.
 *
 * <p>Adding a step type: its record here, its name and case in {@link StepParser}, its executor.
 * Under {@link Queued} (an executor carries it out) the engine needs nothing more; any other
 * variant the compiler points at the engine's one switch that decides how a step is carried out.
 */
public sealed interface StepSpec permits StepSpec.Transform, StepSpec.Approval, StepSpec.ChildRun, StepSpec.SessionStep, StepSpec.Queued,
        StepSpec.Unusable {

    StepCommon common();

    /** The arguments as written, with their templates: an object, or null when the step has none (anything at all on {@link Unusable}). */
    JsonNode with();

    /** The type's name as a runner writes it ({@code http}, {@code runner}, ...); also the kind of the step's queued tasks. */
    String type();

    default String id() {
        return common().id();
    }

    default List<String> needs() {
        return common().needs();
    }

    default String condition() {
        return common().condition();
    }

    default RetryPolicy retry() {
        return common().retry();
    }

    default Long timeoutMs() {
        return common().timeoutMs();
    }

    default List<String> runsOn() {
        return common().runsOn();
    }

    default String forEach() {
        return common().forEach();
    }

    default Integer maxParallel() {
        return common().maxParallel();
    }

    default boolean disabled() {
        return common().disabled();
    }

    /** What a version stores for this step; a spec serializes as it, so a typed version writes the JSON it was read from. */
    @JsonValue
    default StoredStep stored() {
        return StoredStep.of(type(), common(), with());
    }

    /** This step with other arguments as written (a run's {@code step_overrides} merged in); arguments that fail the checks make it {@link Unusable}. */
    default StepSpec withArguments(JsonNode arguments) {
        return StepParser.load(type(), common(), arguments);
    }

    /**
     * {@code spec} for its rendered arguments: every field typed, nothing left to a template.
     *
     * @throws InvalidStepArguments naming the argument, when the rendered arguments (or an
     *     {@link Unusable} step) do not pass the checks: the step fails
     */
    static <T extends StepSpec> T rendered(T spec, JsonNode arguments) {
        return StepParser.rendered(spec, arguments);
    }

    /** The steps an executor carries out from the task queue: this node's executors, or remote workers. */
    sealed interface Queued extends StepSpec permits Http, Llm, Tool, Wait, Task, Retrieve {
    }

    /** Computes {@code value} inline, in the run's transaction. */
    record Transform(StepCommon common, JsonNode with, JsonNode value) implements StepSpec {
        @Override
        public String type() {
            return "transform";
        }
    }

    /** One HTTP request; {@code method} is null while templated. */
    record Http(StepCommon common, JsonNode with, String method, String url) implements Queued {
        @Override
        public String type() {
            return "http";
        }
    }

    /** A model call; {@code model} (a catalog id) and {@code agentId} are null when absent or templated. */
    record Llm(StepCommon common, JsonNode with, String prompt, String model, UUID agentId) implements Queued {
        @Override
        public String type() {
            return "llm";
        }
    }

    /** One call of a tool connected to the runner, by name. */
    record Tool(StepCommon common, JsonNode with, String tool) implements Queued {
        @Override
        public String type() {
            return "tool";
        }
    }

    /** A timer: a task that becomes ready after {@code durationMs} or at {@code until} (exactly one is set once rendered). */
    record Wait(StepCommon common, JsonNode with, Long durationMs, Instant until) implements Queued {
        @Override
        public String type() {
            return "wait";
        }

        /** When a rendered wait ends, for a step starting at {@code now}; an {@code until} in the past is now. */
        public Instant readyAt(Instant now) {
            if (durationMs != null) {
                return now.plusMillis(durationMs);
            }
            return until.isBefore(now) ? now : until;
        }
    }

    /**
     * A knowledge search without a model: {@code query} (free text, templated), the {@code scopes}
     * to search besides the runner's own documents (null when absent or templated; an entry's
     * fields are null while templated) and {@code topK} (null: the default, or templated).
     */
    record Retrieve(StepCommon common, JsonNode with, String query, List<ScopeName> scopes, Integer topK) implements Queued {
        @Override
        public String type() {
            return "retrieve";
        }
    }

    /** A knowledge scope as a step names it: {@code scopeType} one of org, project, agent, runner; {@code scopeId} null for org. */
    record ScopeName(String scopeType, UUID scopeId) {
    }

    /** Work for a remote worker that handles {@code taskType}; the worker gets {@code with.input}. */
    record Task(StepCommon common, JsonNode with, String taskType) implements Queued {
        @Override
        public String type() {
            return "task";
        }

        public JsonNode input() {
            return with.path("input");
        }
    }

    /** An approval: waits for a decision, or until {@code timeoutMs}, when {@code onTimeout} decides. */
    record Approval(StepCommon common, JsonNode with, String message, Long timeoutMs, OnTimeout onTimeout) implements StepSpec {
        @Override
        public String type() {
            return "approval";
        }
    }

    /** What an expired approval decides; {@code reject} unless the step says otherwise. */
    enum OnTimeout {
        REJECT, APPROVE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A child run of {@code runnerId} ({@code version}, or its latest when null); the step waits for it. */
    record ChildRun(StepCommon common, JsonNode with, UUID runnerId, Integer version) implements StepSpec {
        @Override
        public String type() {
            return "runner";
        }

        public JsonNode input() {
            return with.get("input");
        }
    }

    /**
     * A session on a worker host (docs/sessions.md): starts it with {@code prompt} and waits, without an
     * executor slot, until it exits ({@code waitFor} exit) or goes idle; completes with its last output and
     * exit code. Unless {@code keep}, the session is ended when the step completes; cancelling the run ends it.
     * With {@code timeoutMs}, the step fails when the session has not reached {@code waitFor} by then (and,
     * unless {@code keep}, the session is ended).
     */
    record SessionStep(StepCommon common, JsonNode with, String template, String prompt, String waitFor, Boolean keep, Long timeoutMs)
            implements StepSpec {
        @Override
        public String type() {
            return "session";
        }

        public boolean kept() {
            return Boolean.TRUE.equals(keep);
        }
    }

    /**
     * A stored step that no longer passes the checks: a version published before a check existed,
     * or a run's {@code step_overrides} that break it. It loads, so the version and its other runs
     * stay readable, and fails with {@code problem} when it starts.
     */
    record Unusable(StepCommon common, String type, JsonNode with, String problem) implements StepSpec {
    }
}

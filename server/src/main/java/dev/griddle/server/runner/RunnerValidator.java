package dev.griddle.server.runner;

import dev.griddle.server.expr.CelExpressions;
import dev.griddle.server.expr.ExpressionException;
import dev.griddle.server.expr.Templates;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Checks a runner draft as a whole and lists every problem: the graph (ids, {@code needs},
 * cycles), expressions and templates (which must compile and may only read steps upstream),
 * limits, the type and its arguments ({@link StepParser}), and the input schema. Pure: no I/O,
 * so it is unit-tested directly.
 */
@Component
class RunnerValidator {

    private static final Pattern ID = Pattern.compile("[a-z0-9_-]{1,64}");
    private static final long MAX_TIMEOUT_MS = 86_400_000L;

    private final CelExpressions expressions;
    private final InputSchemas schemas;
    private final ModelNames models;

    RunnerValidator(CelExpressions expressions, InputSchemas schemas) {
        this(expressions, schemas, ModelNames.ANY);
    }

    /** {@code models}: the model catalog when one is present (issue #5), so unknown models fail at publish. */
    @org.springframework.beans.factory.annotation.Autowired
    RunnerValidator(CelExpressions expressions, InputSchemas schemas, org.springframework.beans.factory.ObjectProvider<ModelNames> models) {
        this(expressions, schemas, models.getIfAvailable(() -> ModelNames.ANY));
    }

    RunnerValidator(CelExpressions expressions, InputSchemas schemas, ModelNames models) {
        this.expressions = expressions;
        this.schemas = schemas;
        this.models = models;
    }

    /** Most paths a runner's {@code redact} may list. */
    static final int MAX_REDACT_PATHS = 50;

    /**
     * Issue #18: {@code recording} is {@code on} or {@code off} (null: on); each {@code redact} entry a JSONPath of
     * the {@link RedactPath} subset, at most {@link #MAX_REDACT_PATHS} of them. Problems name the value, as {@code redact[2]}.
     */
    static List<ValidationError> recordingSettings(String recording, List<String> redact) {
        List<ValidationError> errors = new ArrayList<>();
        if (recording != null && !recording.equals("on") && !recording.equals("off")) {
            errors.add(new ValidationError(null, "recording", "must be one of [on, off], was '" + recording + "'"));
        }
        if (redact == null) {
            return errors;
        }
        if (redact.size() > MAX_REDACT_PATHS) {
            errors.add(new ValidationError(null, "redact", "must list at most " + MAX_REDACT_PATHS + " paths, had " + redact.size()));
        }
        for (int i = 0; i < redact.size(); i++) {
            try {
                RedactPath.parse(redact.get(i));
            } catch (IllegalArgumentException e) {
                errors.add(new ValidationError(null, "redact[" + i + "]", e.getMessage()));
            }
        }
        return errors;
    }

    List<ValidationError> validate(List<RunnerDraft.Step> steps, JsonNode output, JsonNode inputSchema) {
        List<ValidationError> errors = new ArrayList<>();
        if (inputSchema != null && !inputSchema.isNull()) {
            for (InputSchemas.Problem p : schemas.checkSchema(inputSchema)) {
                String path = p.path().isEmpty() ? "input_schema" : p.path().startsWith("[") ? "input_schema" + p.path() : "input_schema." + p.path();
                errors.add(new ValidationError(null, path, p.message()));
            }
        }
        steps = steps == null ? List.of() : steps;
        StepGraph graph = new StepGraph(steps);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            new StepCheck(steps.get(i), "steps[" + i + "]", graph, errors).run(seen);
        }
        for (List<String> cycle : graph.cycles()) {
            int at = indexOf(steps, cycle.getFirst());
            errors.add(new ValidationError(cycle.getFirst(), "steps[" + at + "].needs", "cycle in needs: " + String.join(" -> ", cycle)));
        }
        if (output != null && !output.isNull()) {
            checkTemplates(output, "output", null, graph.ids(), graph.ids(), false, errors);
        }
        return errors;
    }

    private static int indexOf(List<RunnerDraft.Step> steps, String id) {
        for (int i = 0; i < steps.size(); i++) {
            if (id.equals(steps.get(i).id())) {
                return i;
            }
        }
        return -1;
    }

    /** The checks of one step; {@code at} is its path, like {@code steps[2]}. */
    private final class StepCheck {
        private final RunnerDraft.Step step;
        private final String at;
        private final StepGraph graph;
        private final List<ValidationError> errors;

        StepCheck(RunnerDraft.Step step, String at, StepGraph graph, List<ValidationError> errors) {
            this.step = step;
            this.at = at;
            this.graph = graph;
            this.errors = errors;
        }

        void run(Set<String> seenIds) {
            if (step == null) {
                error(at, "must be a step object, was null");
                return;
            }
            if (step.id() == null || step.id().isBlank()) {
                error(at + ".id", "required");
            } else if (!ID.matcher(step.id()).matches()) {
                error(at + ".id", "'" + step.id() + "' must be 1 to 64 of a-z, 0-9, '_' and '-'");
            } else if (!seenIds.add(step.id())) {
                error(at + ".id", "duplicate step id '" + step.id() + "'");
            }
            List<String> needs = step.needs() == null ? List.of() : step.needs();
            for (int j = 0; j < needs.size(); j++) {
                String need = needs.get(j);
                if (need == null || !graph.ids().contains(need)) {
                    error(at + ".needs[" + j + "]", "unknown step '" + need + "'");
                }
            }
            Set<String> upstream = step.id() == null ? Set.of() : graph.upstream(step.id());
            boolean forEach = step.forEach() != null;
            if (step.condition() != null) {
                checkExpression(step.condition(), at + ".if", upstream, false);
            }
            if (forEach) {
                checkExpression(step.forEach(), at + ".for_each", upstream, false);
            }
            if (step.with() != null && !step.with().isNull()) {
                checkTemplates(step.with(), at + ".with", step.id(), graph.ids(), upstream, forEach, errors);
            }
            limits(forEach);
            arguments();
        }

        private void checkExpression(String expression, String path, Set<String> upstream, boolean inForEach) {
            List<String> problems = new ArrayList<>(expressions.check(expression, graph.ids(), inForEach));
            if (problems.isEmpty()) {
                notUpstream(expression, step.id(), upstream).forEach(problems::add);
            }
            problems.forEach(p -> error(path, p));
        }

        private void limits(boolean forEach) {
            RunnerDraft.Retry retry = step.retry();
            if (retry != null) {
                if (retry.maxAttempts() != null && (retry.maxAttempts() < 1 || retry.maxAttempts() > 100)) {
                    error(at + ".retry.max_attempts", "must be between 1 and 100, was " + retry.maxAttempts());
                }
                if (retry.backoff() != null && !retry.backoff().equals("exponential") && !retry.backoff().equals("fixed")) {
                    error(at + ".retry.backoff", "must be 'exponential' or 'fixed', was '" + retry.backoff() + "'");
                }
                boolean intervalsOk = true;
                if (retry.initialIntervalMs() != null && retry.initialIntervalMs() <= 0) {
                    error(at + ".retry.initial_interval_ms", "must be > 0, was " + retry.initialIntervalMs());
                    intervalsOk = false;
                }
                if (retry.maxIntervalMs() != null && retry.maxIntervalMs() <= 0) {
                    error(at + ".retry.max_interval_ms", "must be > 0, was " + retry.maxIntervalMs());
                    intervalsOk = false;
                }
                RetryPolicy effective = step.toStored().retry();
                if (intervalsOk && effective.initialIntervalMs() > effective.maxIntervalMs()) {
                    error(at + ".retry.initial_interval_ms", "must be <= max_interval_ms (" + effective.maxIntervalMs() + "), was "
                            + effective.initialIntervalMs());
                }
            }
            if (step.timeoutMs() != null && (step.timeoutMs() < 1 || step.timeoutMs() > MAX_TIMEOUT_MS)) {
                error(at + ".timeout_ms", "must be between 1 and " + MAX_TIMEOUT_MS + ", was " + step.timeoutMs());
            }
            if (step.maxParallel() != null) {
                if (!forEach) {
                    error(at + ".max_parallel", "only allowed with for_each");
                } else if (step.maxParallel() < 1 || step.maxParallel() > 1000) {
                    error(at + ".max_parallel", "must be between 1 and 1000, was " + step.maxParallel());
                }
            }
        }

        /** The type and its arguments, by the rules the engine loads versions with; then the model, against the catalog. */
        private void arguments() {
            List<StepParser.Problem> problems = new ArrayList<>();
            StepSpec spec = StepParser.read(step.toStored(), problems);
            problems.forEach(p -> error(at + "." + p.path(), p.message()));
            if (spec instanceof StepSpec.Llm llm && llm.model() != null) {
                models.problem(llm.model()).ifPresent(p -> error(at + ".with.model", p));
            }
        }

        private void error(String path, String message) {
            errors.add(new ValidationError(step == null ? null : step.id(), path, message));
        }
    }

    /**
     * Every {@code {{ }}} in the strings under {@code template}: it must compile, and may name only
     * {@code upstream} steps (all steps for the runner's output, which is rendered at the end).
     */
    private void checkTemplates(JsonNode template, String base, String stepId, Set<String> allIds, Set<String> upstream,
            boolean inForEach, List<ValidationError> errors) {
        Templates.forEachString(template, base, (path, s) -> {
            if (!Templates.hasTemplate(s)) {
                return;
            }
            try {
                for (Templates.Part part : Templates.parse(s)) {
                    if (!part.expression()) {
                        continue;
                    }
                    List<String> problems = expressions.check(part.text(), allIds, inForEach);
                    if (problems.isEmpty()) {
                        problems = notUpstream(part.text(), stepId, upstream);
                    }
                    problems.forEach(p -> errors.add(new ValidationError(stepId, path, p)));
                }
            } catch (ExpressionException e) {
                errors.add(new ValidationError(stepId, path, e.getMessage()));
            }
        });
    }

    private List<String> notUpstream(String expression, String stepId, Set<String> upstream) {
        List<String> problems = new ArrayList<>();
        for (String ref : expressions.stepReferences(expression)) {
            if (!upstream.contains(ref)) {
                problems.add("step '" + ref + "' is not upstream of '" + stepId + "'; add it to needs (directly or through another step)");
            }
        }
        return problems;
    }

    /** For {@code details}: a list of {@code {step_id, path, message}} maps, nulls kept. */
    static List<Map<String, Object>> details(List<ValidationError> errors) {
        return errors.stream().map(e -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("step_id", e.stepId());
            m.put("path", e.path());
            m.put("message", e.message());
            return m;
        }).toList();
    }
}

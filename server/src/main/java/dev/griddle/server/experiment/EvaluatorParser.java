package dev.griddle.server.experiment;

import dev.griddle.server.llm.ModelQuestions;
import dev.griddle.server.web.FieldErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Reads and checks evaluator configs ({@code [{type, name?, ...}]}) before an experiment or a gate
 * is stored: every problem is a field error naming the field, like {@code evaluators[1].min}.
 */
@Component
class EvaluatorParser {

    static final int MAX_EVALUATORS = 20;
    private static final Set<String> TYPES = Set.of("equals", "json_subset", "cel", "similarity", "llm_judge");

    private final EvaluatorRunner runner;
    private final ModelQuestions models;

    EvaluatorParser(EvaluatorRunner runner, ModelQuestions models) {
        this.runner = runner;
        this.models = models;
    }

    /** The evaluators, or field errors added under {@code prefix} (like {@code evaluators}); none given is {@code [equals]}. */
    List<Evaluator> parse(JsonNode configs, String prefix, FieldErrors errors) {
        if (configs == null || configs.isNull() || (configs.isArray() && configs.isEmpty())) {
            return List.of(new Evaluator.EqualsCheck("equals", null, null));
        }
        if (!configs.isArray()) {
            errors.add(prefix, "must be a list of {type, ...}");
            return List.of();
        }
        if (configs.size() > MAX_EVALUATORS) {
            errors.add(prefix, "at most " + MAX_EVALUATORS + " evaluators, was " + configs.size());
            return List.of();
        }
        List<Evaluator> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < configs.size(); i++) {
            JsonNode c = configs.get(i);
            String at = prefix + "[" + i + "]";
            if (!c.isObject()) {
                errors.add(at, "must be an object {type, ...}");
                continue;
            }
            String type = c.path("type").asString(null);
            if (type == null || !TYPES.contains(type)) {
                errors.add(at + ".type", "must be one of [equals, json_subset, cel, similarity, llm_judge], was " + (type == null ? "missing" : "'" + type + "'"));
                continue;
            }
            String name = c.path("name").isString() ? c.get("name").asString() : type;
            if (!names.add(name)) {
                errors.add(at + ".name", "'" + name + "' is used by another evaluator: give each a distinct name");
            }
            String path = c.path("path").isString() ? c.get("path").asString() : null;
            if (path != null && JsonPathLite.parse(path) == null) {
                errors.add(at + ".path", "must be a dotted path like summary or items[0].name, was '" + path + "'");
            }
            JsonNode value = c.get("value");
            switch (type) {
                case "equals" -> out.add(new Evaluator.EqualsCheck(name, path, value));
                case "json_subset" -> out.add(new Evaluator.JsonSubset(name, path, value));
                case "cel" -> {
                    String expression = c.path("expression").asString(null);
                    if (expression == null || expression.isBlank()) {
                        errors.add(at + ".expression", "required: a CEL expression over output, expected and input that gives a boolean");
                    } else {
                        runner.checkCel(expression).forEach(p -> errors.add(at + ".expression", p));
                        out.add(new Evaluator.Cel(name, expression));
                    }
                }
                case "similarity" -> {
                    Double min = fraction(c, "min", at, errors);
                    if (min != null) {
                        out.add(new Evaluator.Similarity(name, path, min));
                    }
                }
                case "llm_judge" -> {
                    String rubric = c.path("rubric").asString(null);
                    String model = c.path("model").asString(null);
                    if (rubric == null || rubric.isBlank()) {
                        errors.add(at + ".rubric", "required: what a good output is, for the judge model");
                    }
                    if (model == null || model.isBlank()) {
                        errors.add(at + ".model", "required: a model id from GET /api/v1/models");
                    } else {
                        models.problem(model).ifPresent(p -> errors.add(at + ".model", p));
                    }
                    Double min = fraction(c, "min_score", at, errors);
                    if (rubric != null && model != null && min != null) {
                        out.add(new Evaluator.LlmJudge(name, rubric, model, min));
                    }
                }
                default -> throw new IllegalStateException(type);
            }
        }
        return out;
    }

    private static Double fraction(JsonNode c, String field, String at, FieldErrors errors) {
        JsonNode v = c.get(field);
        if (v == null || !v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) {
            errors.add(at + "." + field, "required: a number from 0 to 1" + (v == null ? "" : ", was " + v));
            return null;
        }
        return v.asDouble();
    }
}

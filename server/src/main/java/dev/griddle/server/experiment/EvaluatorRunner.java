package dev.griddle.server.experiment;

import dev.griddle.server.expr.CelExpressions;
import dev.griddle.server.expr.ExpressionException;
import dev.griddle.server.knowledge.vector.Embedder;
import dev.griddle.server.llm.ModelQuestions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs evaluators over a case: {@code output} (what the version gave), {@code expected} and
 * {@code input}. A check that cannot run (a CEL error, a judge that does not answer) fails with the
 * reason, never the experiment. {@code llm_judge} questions cost money: their cost is added to the
 * experiment's.
 */
@Component
class EvaluatorRunner {

    /** The results of one case and what its judges cost. */
    record Evaluations(List<Evaluator.Result> results, BigDecimal costUsd) {
        boolean passed() {
            return results.stream().allMatch(Evaluator.Result::passed);
        }
    }

    private final CelExpressions cel = CelExpressions.over(List.of("output", "expected", "input"), 512);
    private final Embedder embedder;
    private final ModelQuestions models;
    private final JsonMapper json;

    EvaluatorRunner(Embedder embedder, ModelQuestions models, JsonMapper json) {
        this.embedder = embedder;
        this.models = models;
        this.json = json;
    }

    List<String> checkCel(String expression) {
        return cel.check(expression, Set.of(), false);
    }

    Evaluations evaluate(List<Evaluator> evaluators, JsonNode input, JsonNode output, JsonNode expected) throws InterruptedException {
        List<Evaluator.Result> results = new ArrayList<>();
        BigDecimal cost = BigDecimal.ZERO;
        for (Evaluator e : evaluators) {
            switch (e) {
                case Evaluator.EqualsCheck c -> {
                    JsonNode got = JsonPathLite.at(output, c.path());
                    JsonNode want = c.value() != null ? c.value() : JsonPathLite.at(expected, c.path());
                    boolean same = numericEquals(got, want);
                    results.add(pass(c.name(), same, same ? "equal" : "expected " + abbreviate(want) + ", got " + abbreviate(got)));
                }
                case Evaluator.JsonSubset s -> {
                    JsonNode got = JsonPathLite.at(output, s.path());
                    JsonNode want = s.value() != null ? s.value() : JsonPathLite.at(expected, s.path());
                    String miss = subsetMiss(want, got, "");
                    results.add(pass(s.name(), miss == null, miss == null ? "expected is a subset of the output" : miss));
                }
                case Evaluator.Cel c -> results.add(cel(c, input, output, expected));
                case Evaluator.Similarity s -> results.add(similarity(s, output, expected));
                case Evaluator.LlmJudge j -> {
                    Judged judged = judge(j, input, output, expected);
                    results.add(judged.result());
                    cost = cost.add(judged.costUsd());
                }
            }
        }
        return new Evaluations(results, cost);
    }

    private Evaluator.Result cel(Evaluator.Cel c, JsonNode input, JsonNode output, JsonNode expected) {
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        context.set("input", orNull(input));
        context.set("output", orNull(output));
        context.set("expected", orNull(expected));
        try {
            JsonNode value = cel.evaluate(c.expression(), context);
            if (!value.isBoolean()) {
                return new Evaluator.Result(c.name(), false, 0, "the expression gave " + abbreviate(value) + ", not a boolean");
            }
            return pass(c.name(), value.booleanValue(), value.booleanValue() ? "true" : "false: " + c.expression());
        } catch (ExpressionException ex) {
            return new Evaluator.Result(c.name(), false, 0, ex.getMessage());
        }
    }

    private Evaluator.Result similarity(Evaluator.Similarity s, JsonNode output, JsonNode expected) {
        String a = text(JsonPathLite.at(output, s.path()));
        String b = text(JsonPathLite.at(expected, s.path()));
        float[][] vectors;
        try {
            vectors = embedder.embed(List.of(a, b));
        } catch (RuntimeException ex) {
            return new Evaluator.Result(s.name(), false, 0, "the embedder failed: " + ex.getMessage());
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < vectors[0].length; i++) {
            dot += vectors[0][i] * vectors[1][i];
            na += vectors[0][i] * vectors[0][i];
            nb += vectors[1][i] * vectors[1][i];
        }
        double cosine = na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
        double score = Math.max(0, Math.min(1, cosine));
        boolean passed = score >= s.min();
        return new Evaluator.Result(s.name(), passed, round(score), "cosine " + round(score) + (passed ? " >= " : " < ") + "min " + s.min());
    }

    private record Judged(Evaluator.Result result, BigDecimal costUsd) {
    }

    private Judged judge(Evaluator.LlmJudge j, JsonNode input, JsonNode output, JsonNode expected) throws InterruptedException {
        String prompt = """
                You are grading the output of an AI pipeline against a rubric.
                Rubric: %s
                Input: %s
                Expected output: %s
                Actual output: %s
                Answer with exactly one JSON object and nothing else: {"score": <a number from 0 to 1>, "reason": "<one sentence>"}"""
                .formatted(j.rubric(), json.writeValueAsString(orNull(input)), json.writeValueAsString(orNull(expected)),
                        json.writeValueAsString(orNull(output)));
        ModelQuestions.Answer answer;
        try {
            answer = models.ask(j.model(), prompt);
        } catch (ModelQuestions.QuestionFailed ex) {
            return new Judged(new Evaluator.Result(j.name(), false, 0, "the judge model failed: " + ex.getMessage()), BigDecimal.ZERO);
        }
        JsonNode verdict;
        try {
            verdict = json.readTree(answer.text().strip());
        } catch (RuntimeException ex) {
            verdict = null;
        }
        if (verdict == null || !verdict.isObject() || !verdict.path("score").isNumber() || verdict.path("score").asDouble() < 0
                || verdict.path("score").asDouble() > 1 || !verdict.path("reason").isString()) {
            return new Judged(new Evaluator.Result(j.name(), false, 0, "the judge's answer is not {\"score\": 0..1, \"reason\": \"...\"}: "
                    + abbreviate(answer.text())), answer.costUsd());
        }
        double score = verdict.get("score").asDouble();
        return new Judged(new Evaluator.Result(j.name(), score >= j.minScore(), round(score), verdict.get("reason").asString()), answer.costUsd());
    }

    private static Evaluator.Result pass(String name, boolean passed, String reason) {
        return new Evaluator.Result(name, passed, passed ? 1 : 0, reason);
    }

    /** {@code want} is contained in {@code got}: objects key by key, arrays item by item (same length), scalars equal; else what differs. */
    static String subsetMiss(JsonNode want, JsonNode got, String at) {
        String where = at.isEmpty() ? "output" : at;
        if (want == null || want.isMissingNode()) {
            return null;
        }
        if (want.isObject()) {
            if (!got.isObject()) {
                return where + " is not an object";
            }
            for (Map.Entry<String, JsonNode> e : want.properties()) {
                String miss = subsetMiss(e.getValue(), got.path(e.getKey()), at.isEmpty() ? e.getKey() : at + "." + e.getKey());
                if (miss != null) {
                    return miss;
                }
            }
            return null;
        }
        if (want.isArray()) {
            if (!got.isArray() || got.size() != want.size()) {
                return where + " is not a list of " + want.size();
            }
            for (int i = 0; i < want.size(); i++) {
                String miss = subsetMiss(want.get(i), got.get(i), where + "[" + i + "]");
                if (miss != null) {
                    return miss;
                }
            }
            return null;
        }
        return numericEquals(want, got) ? null : where + ": expected " + abbreviate(want) + ", got " + abbreviate(got);
    }

    private static boolean numericEquals(JsonNode a, JsonNode b) {
        if (a != null && b != null && a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return orNull(a).equals(orNull(b));
    }

    private static JsonNode orNull(JsonNode n) {
        return n == null || n.isMissingNode() ? JsonNodeFactory.instance.nullNode() : n;
    }

    private static String text(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? "" : n.isString() ? n.asString() : n.toString();
    }

    private static String abbreviate(JsonNode n) {
        return abbreviate(orNull(n).toString());
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}

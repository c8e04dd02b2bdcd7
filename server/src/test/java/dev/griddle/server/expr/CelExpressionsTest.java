package dev.griddle.server.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CelExpressionsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final CelExpressions cel = new CelExpressions();

    private final JsonNode context = JSON.readTree("""
            {"input": {"lang": "en", "n": 3, "ratio": 0.5, "tags": ["a", "b"], "nothing": null},
             "steps": {"fetch": {"output": {"status": 200, "body": {"title": "Hi", "items": [1, 2, 3]}}},
                       "list": {"output": {"items": [{"name": "x"}, {"name": "y"}]}}},
             "run": {"id": "r1"}, "secrets": {"TOKEN": "s3cr3t"}}
            """);

    private static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    @Test
    void singleTemplateKeepsTheValuesType() {
        assertThat(cel.render(json("\"{{ input.n }}\""), context)).isEqualTo(json("3"));
        assertThat(cel.render(json("\"{{ input.n }}\""), context).isIntegralNumber()).isTrue();
        assertThat(cel.render(json("\"{{input.n + 1}}\""), context)).isEqualTo(json("4"));
        assertThat(cel.render(json("\"{{ input.ratio }}\""), context)).isEqualTo(json("0.5"));
        assertThat(cel.render(json("\" {{ steps.fetch.output.body }} \""), context)).isEqualTo(json("{\"title\": \"Hi\", \"items\": [1, 2, 3]}"));
        assertThat(cel.render(json("\"{{ input.lang == 'en' }}\""), context)).isEqualTo(json("true"));
        assertThat(cel.render(json("\"{{ input.nothing }}\""), context).isNull()).isTrue();
    }

    @Test
    void interpolatesMixedStrings() {
        JsonNode rendered = cel.render(json("""
                {"url": "https://x.test/{{ run.id }}?n={{ input.n }}", "auth": "Bearer {{ secrets.TOKEN }}",
                 "body": "{{ steps.fetch.output.body.items }} and {{ input.nothing }}|", "{{ keys }}": "not templated", "n": 7}
                """), context);
        assertThat(rendered.get("url").asString()).isEqualTo("https://x.test/r1?n=3");
        assertThat(rendered.get("auth").asString()).isEqualTo("Bearer s3cr3t");
        assertThat(rendered.get("body").asString()).isEqualTo("[1,2,3] and |");
        assertThat(rendered.get("{{ keys }}").asString()).isEqualTo("not templated");
        assertThat(rendered.get("n").asInt()).isEqualTo(7);
    }

    @Test
    void evaluatesStepOutputsMacrosAndHas() {
        assertThat(cel.evaluate("steps.fetch.output.body", context).get("title").asString()).isEqualTo("Hi");
        assertThat(cel.evaluate("steps.list.output.items.map(i, i.name)", context)).isEqualTo(json("[\"x\", \"y\"]"));
        assertThat(cel.evaluate("steps.fetch.output.body.items.filter(i, i > 1)", context)).isEqualTo(json("[2, 3]"));
        assertThat(cel.evaluate("size(input.tags)", context)).isEqualTo(json("2"));
        assertThat(cel.test("has(input.lang)", context)).isTrue();
        assertThat(cel.test("has(input.missing)", context)).isFalse();
        assertThat(cel.test("input.tags.exists(t, t == 'b')", context)).isTrue();
        assertThat(cel.test("input.n > 2.5", context)).isTrue();
        assertThat(cel.test("input.nothing == null", context)).isTrue();
    }

    @Test
    void itemIsBoundInsideForEach() {
        JsonNode withItem = ((tools.jackson.databind.node.ObjectNode) context.deepCopy()).set("item", json("{\"body\": \"page\"}"));
        assertThat(cel.render(json("\"Summarise {{ item.body }}\""), withItem).asString()).isEqualTo("Summarise page");
    }

    @Test
    void runtimeErrorsNameTheExpression() {
        assertThatThrownBy(() -> cel.evaluate("input.missing.deeper", context))
                .isInstanceOf(ExpressionException.class).hasMessageContaining("input.missing.deeper").hasMessageContaining("missing");
        assertThatThrownBy(() -> cel.evaluate("input.lang + 1", context))
                .isInstanceOf(ExpressionException.class).hasMessageContaining("input.lang + 1");
        assertThatThrownBy(() -> cel.test("input.n", context))
                .isInstanceOf(ExpressionException.class).hasMessageContaining("must be a boolean");
    }

    @Test
    void checkFindsProblemsWithoutRunning() {
        Set<String> known = Set.of("fetch");
        assertThat(cel.check("steps.fetch.output.status == 200 && has(input.x)", known, false)).isEmpty();
        assertThat(cel.check("steps.fetch.output.body.items.map(s, s + 1)", known, false)).isEmpty();
        assertThat(cel.check("steps.nope.output", known, false)).containsExactly("unknown step 'nope'");
        assertThat(cel.check("steps['other'].output", known, false)).containsExactly("unknown step 'other'");
        assertThat(cel.check("inputs.x", known, false)).singleElement().asString().contains("undeclared reference to 'inputs'");
        assertThat(cel.check("input.x ==", known, false)).singleElement().asString().contains("does not compile");
        assertThat(cel.check("item.url", known, false)).containsExactly("'item' is only available in a step with for_each");
        assertThat(cel.check("item.url", known, true)).isEmpty();
        assertThat(cel.check("input.urls.map(item, item.size())", known, false)).isEmpty();
        assertThat(cel.stepReferences("steps.a.output + steps['b'].output + input.steps.c")).containsExactly("a", "b");
    }

    @Test
    void checkTemplateChecksEveryExpressionAndBraces() {
        JsonNode template = json("""
                {"url": "{{ input.url }}/{{ steps.ghost.output }}", "list": ["ok", "{{ item }}"], "bad": "{{ input.x", "empty": "{{ }}"}
                """);
        assertThat(cel.checkTemplate(template, Set.of(), false)).containsExactly(
                "url: unknown step 'ghost'",
                "list[1]: 'item' is only available in a step with for_each",
                "bad: unbalanced '{{' at position 0 in \"{{ input.x\"",
                "empty: empty '{{ }}' at position 0 in \"{{ }}\"");
        assertThat(cel.checkTemplate(json("{\"a\": \"plain\", \"b\": 1}"), Set.of(), false)).isEmpty();
    }
}

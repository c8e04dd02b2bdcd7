package dev.griddle.server.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** json_subset's containment and the dotted paths evaluators look at. */
class EvaluatorChecksTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void subsetNamesWhatDiffers() {
        assertThat(EvaluatorRunner.subsetMiss(JSON.readTree("{\"a\": 1}"), JSON.readTree("{\"a\": 1.0, \"b\": 2}"), "")).isNull();
        assertThat(EvaluatorRunner.subsetMiss(JSON.readTree("{\"a\": {\"b\": [1, 2]}}"), JSON.readTree("{\"a\": {\"b\": [1, 3]}}"), ""))
                .isEqualTo("a.b[1]: expected 2, got 3");
        assertThat(EvaluatorRunner.subsetMiss(JSON.readTree("{\"a\": 1}"), JSON.readTree("[]"), "")).isEqualTo("output is not an object");
    }

    @Test
    void pathsReadNestedValues() {
        assertThat(JsonPathLite.at(JSON.readTree("{\"items\": [{\"name\": \"x\"}]}"), "items[0].name").asString()).isEqualTo("x");
        assertThat(JsonPathLite.at(JSON.readTree("{}"), "missing.deeper").isMissingNode()).isTrue();
        assertThat(JsonPathLite.parse("a..b")).isNull();
        assertThat(JsonPathLite.parse("a[x]")).isNull();
        assertThat(JsonPathLite.parse("m[0][1].k")).containsExactly("m", 0, 1, "k");
    }
}

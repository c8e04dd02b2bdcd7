package dev.griddle.server.apply;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** How apply compares stored JSON with a bundle's, without Spring: a database round trip must not look like a change. */
class BundleJsonTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void numbersCompareByValueAndObjectsIgnoreKeyOrder() {
        assertThat(Bundle.sameJson(JSON.readTree("{\"a\": 1, \"b\": [0.5, {\"c\": true}]}"),
                JSON.readTree("{\"b\": [0.50, {\"c\": true}], \"a\": 1.0}"))).isTrue();
        assertThat(Bundle.sameJson(JSON.readTree("{\"a\": 1}"), JSON.readTree("{\"a\": 2}"))).isFalse();
        assertThat(Bundle.sameJson(JSON.readTree("[1, 2]"), JSON.readTree("[2, 1]"))).isFalse();
        assertThat(Bundle.sameJson(JSON.readTree("{\"a\": \"1\"}"), JSON.readTree("{\"a\": 1}"))).isFalse();
        assertThat(Bundle.sameJson(null, JSON.nullNode())).isTrue();
        assertThat(Bundle.sameJson(JSON.readTree("{}"), null)).isFalse();
    }

    @Test
    void keysAreStrippedNonBlankStrings() {
        assertThat(Bundle.key(JSON.readTree("{\"name\": \" crm \"}"), "name")).isEqualTo("crm");
        assertThat(Bundle.key(JSON.readTree("{\"name\": \"  \"}"), "name")).isNull();
        assertThat(Bundle.key(JSON.readTree("{\"name\": 7}"), "name")).isNull();
        assertThat(Bundle.key(JSON.readTree("{}"), "slug")).isNull();
    }
}

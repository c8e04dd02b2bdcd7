package dev.griddle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class PathRulesTest {

    @Test
    void onlyThePlainSpellingIsCanonical() {
        for (String ok : new String[] {"/", "/api/v1/keys", "/api/v1/runs/3f1c/events/stream", "/healthz", "/docs/swagger-ui/index.html",
                "/api/v1/openapi.json", "/a.b/c..d/.e"}) {
            assertThat(PathRules.problem(ok)).as(ok).isNull();
        }
        assertThat(PathRules.problem("/%61pi/v1")).contains("percent-encoded");
        assertThat(PathRules.problem("/api;x/v1")).contains("';'");
        assertThat(PathRules.problem("/api//v1")).contains("empty segment");
        assertThat(PathRules.problem("/api/./v1")).contains("'.'");
        assertThat(PathRules.problem("/api/v1/..")).contains("'..'");
        assertThat(PathRules.problem("/api\\v1")).contains("backslash");
    }

    @Test
    void theRoutedPathIsDecodedWithoutParameters() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/%61pi;x/v1/k%65ys");
        assertThat(PathRules.routed(request)).isEqualTo("/api/v1/keys");
    }
}

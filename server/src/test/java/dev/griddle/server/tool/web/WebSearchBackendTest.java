package dev.griddle.server.tool.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.griddle.server.tool.ToolException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class WebSearchBackendTest {

    @Test
    void withoutABackendSearchSaysWhatToConfigure() {
        WebProperties props = new WebProperties(null, Duration.ofSeconds(1), 10_000, 1000, 5, 2);
        SearchBackend backend = new SearchBackend(props, JsonMapper.builder().build());
        ToolException e = catchThrowableOfType(ToolException.class, () -> backend.search("x", 3));
        assertThat(e.getMessage()).contains("griddle.web.searxng-url", "GRIDDLE_WEB_SEARXNG_URL");
        assertThat(e.retryable()).isFalse();
    }
}

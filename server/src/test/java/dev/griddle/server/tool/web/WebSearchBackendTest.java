package dev.griddle.server.tool.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.griddle.server.tool.ToolException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.json.JsonMapper;

/** Choosing the search backend from the settings, and the start-up failures of inconsistent ones. */
class WebSearchBackendTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final URI BRAVE = URI.create("https://api.search.brave.com/res/v1/web/search");
    private static final URI TAVILY = URI.create("https://api.tavily.com/search");

    private static WebProperties props(URI searxng, WebProperties.SearchEngine backend, String braveKey, String tavilyKey) {
        return new WebProperties(searxng, backend, braveKey, BRAVE, tavilyKey, TAVILY, Duration.ofSeconds(1), 10_000, 1000, 5, 2);
    }

    @EnableConfigurationProperties(WebProperties.class)
    static class Bind {
    }

    @Test
    void withoutABackendSearchSaysWhatToConfigure() {
        SearchBackend backend = SearchBackend.of(props(null, null, null, null), JSON);
        assertThat(backend).isInstanceOf(NoSearchBackend.class);
        ToolException e = catchThrowableOfType(ToolException.class, () -> backend.search("x", 3));
        assertThat(e.getMessage()).contains("griddle.web.searxng-url", "GRIDDLE_WEB_SEARXNG_URL", "GRIDDLE_WEB_BRAVE_API_KEY", "GRIDDLE_WEB_TAVILY_API_KEY");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void theOnlyConfiguredBackendIsChosenAndAnExplicitChoiceWins() {
        assertThat(SearchBackend.of(props(URI.create("http://searx.local"), null, null, null), JSON)).isInstanceOf(SearxngSearch.class);
        assertThat(SearchBackend.of(props(null, null, "bk", null), JSON)).isInstanceOf(BraveSearch.class);
        assertThat(SearchBackend.of(props(null, null, null, "tk"), JSON)).isInstanceOf(TavilySearch.class);
        assertThat(SearchBackend.of(props(URI.create("http://searx.local"), WebProperties.SearchEngine.TAVILY, "bk", "tk"), JSON))
                .isInstanceOf(TavilySearch.class);
        assertThat(props(null, null, "  ", null).searchBackend()).isNull();
    }

    @Test
    void inconsistentSettingsStopStartUpNamingTheSettings() {
        IllegalArgumentException several = catchThrowableOfType(IllegalArgumentException.class,
                () -> props(URI.create("http://searx.local"), null, "bk", null));
        assertThat(several.getMessage()).contains("several web search backends", "griddle.web.searxng-url", "griddle.web.brave-api-key",
                "griddle.web.search-backend");
        IllegalArgumentException missing = catchThrowableOfType(IllegalArgumentException.class,
                () -> props(null, WebProperties.SearchEngine.BRAVE, null, "tk"));
        assertThat(missing.getMessage()).contains("search-backend is brave", "GRIDDLE_WEB_BRAVE_API_KEY");

        new ApplicationContextRunner().withUserConfiguration(Bind.class)
                .withPropertyValues("griddle.web.search-backend=tavily", "griddle.web.brave-api-key=bk-secret-1")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("search-backend is tavily")
                            .hasMessageContaining("griddle.web.tavily-api-key");
                });
        new ApplicationContextRunner().withUserConfiguration(Bind.class).withPropertyValues("griddle.web.search-backend=bing")
                .run(context -> assertThat(context).hasFailed());
        new ApplicationContextRunner().withUserConfiguration(Bind.class)
                .withPropertyValues("griddle.web.search-backend=BRAVE", "griddle.web.brave-api-key=bk-secret-1")
                .run(context -> assertThat(context.getBean(WebProperties.class).searchBackend()).isEqualTo(WebProperties.SearchEngine.BRAVE));
    }

    @Test
    void keysStayOutOfToString() {
        String text = props(null, WebProperties.SearchEngine.BRAVE, "bk-secret-1", "tk-secret-2").toString();
        assertThat(text).doesNotContain("bk-secret-1").doesNotContain("tk-secret-2").contains("braveApiKey=***");
    }
}

package dev.griddle.server.tool.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.server.ApiTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code web_search} and {@code web_research} through Tavily, faked on 127.0.0.1. SearXNG is
 * configured too, so {@code search-backend: tavily} is what picks Tavily.
 */
@ExtendWith(OutputCaptureExtension.class)
class TavilySearchTest extends ApiTest {

    private static final String KEY = "tvly-key-51d2e8";
    private static final FakeSearchApi API = new FakeSearchApi();

    @DynamicPropertySource
    static void tavily(DynamicPropertyRegistry registry) {
        registry.add("griddle.web.search-backend", () -> "tavily");
        registry.add("griddle.web.tavily-api-key", () -> KEY);
        registry.add("griddle.web.tavily-url", () -> API.base() + "/search");
        registry.add("griddle.web.searxng-url", () -> API.base() + "/searxng-never-called");
    }

    @AfterAll
    static void stop() {
        API.close();
    }

    private static List<FakeSearchApi.Request> requestsFor(String q) {
        return API.requests().stream().filter(r -> r.body() != null && q.equals(r.body().path("query").asString())).toList();
    }

    @Test
    void searchPostsTheQueryWithABearerKeyAndMapsResults() {
        GriddleClient client = newOrg();
        Run run = SearchSteps.run(client, """
                  - {id: search, type: tool, with: {tool: web_search, arguments: {query: "griddle pipelines", max_results: 4}}}
                  - {id: research, type: tool, with: {tool: web_research, arguments: {query: "griddle research", max_results: 2}}}
                """);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");

        FakeSearchApi.Request request = requestsFor("griddle pipelines").getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/search");
        assertThat(request.headers()).containsEntry("authorization", "Bearer " + KEY).containsEntry("content-type", "application/json");
        assertThat(request.body().path("max_results").asInt()).isEqualTo(4);
        assertThat(request.body().path("search_depth").asString()).isEqualTo("basic");
        assertThat(request.body().has("api_key")).isFalse();
        assertThat(API.requests()).noneMatch(r -> r.path().startsWith("/searxng"));

        JsonNode results = SearchSteps.output(client, run, "search").path("results");
        assertThat(results.findValuesAsString("title")).containsExactly("Page A", "Page B");
        assertThat(results.get(0).path("url").asString()).isEqualTo(API.base() + "/a");
        assertThat(results.get(0).path("snippet").asString()).isEqualTo("Alpha content");

        JsonNode sources = SearchSteps.output(client, run, "research").path("sources");
        assertThat(sources.get(0).path("snippet").asString()).isEqualTo("Alpha content");
        assertThat(sources.get(0).path("text").asString()).contains("Alpha text");
        assertThat(sources.get(1).path("text").asString()).contains("Beta text");
    }

    @Test
    void errorStatusesBecomeClearToolErrorsAndTheKeyIsNeverShownOrLogged(CapturedOutput output) {
        GriddleClient client = newOrg();
        Run denied = SearchSteps.run(client, "  - {id: s, type: tool, with: {tool: web_search, arguments: {query: \"denied query\"}}}\n");
        assertThat(denied.status()).isEqualTo("failed");
        assertThat(denied.error().path("message").asString()).contains("Tavily search API answered HTTP 401", "GRIDDLE_WEB_TAVILY_API_KEY", "***")
                .doesNotContain(KEY);

        Run limited = SearchSteps.run(client, "  - {id: s, type: tool, with: {tool: web_search, arguments: {query: \"limited query\"}}}\n");
        assertThat(limited.status()).isEqualTo("failed");
        assertThat(limited.error().path("message").asString()).contains("HTTP 429", "rate limited");

        assertThat(requestsFor("denied query")).isNotEmpty();
        assertThat(output.getAll()).doesNotContain(KEY);
    }
}

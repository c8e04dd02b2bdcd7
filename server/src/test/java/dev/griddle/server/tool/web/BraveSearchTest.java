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

/** {@code web_search} and {@code web_research} through the Brave Search API, faked on 127.0.0.1; the backend inferred from the key alone. */
@ExtendWith(OutputCaptureExtension.class)
class BraveSearchTest extends ApiTest {

    private static final String KEY = "brave-key-7f3a9c";
    private static final FakeSearchApi API = new FakeSearchApi();

    @DynamicPropertySource
    static void brave(DynamicPropertyRegistry registry) {
        registry.add("griddle.web.brave-api-key", () -> KEY);
        registry.add("griddle.web.brave-url", () -> API.base() + "/res/v1/web/search");
        // so "never logged" covers our own debug logging too
        registry.add("logging.level.dev.griddle.server", () -> "debug");
    }

    @AfterAll
    static void stop() {
        API.close();
    }

    private static List<FakeSearchApi.Request> requestsFor(String q) {
        return API.requests().stream().filter(r -> q.equals(r.query().get("q"))).toList();
    }

    @Test
    void searchSendsTheKeyAndMapsWebResults() {
        GriddleClient client = newOrg();
        Run run = SearchSteps.run(client, """
                  - {id: search, type: tool, with: {tool: web_search, arguments: {query: "griddle pipelines", max_results: 2}}}
                  - {id: research, type: tool, with: {tool: web_research, arguments: {query: "griddle research", max_results: 2}}}
                """);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");

        FakeSearchApi.Request request = requestsFor("griddle pipelines").getFirst();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/res/v1/web/search");
        assertThat(request.query()).containsEntry("count", "2");
        assertThat(request.headers()).containsEntry("x-subscription-token", KEY).containsEntry("accept", "application/json");

        JsonNode results = SearchSteps.output(client, run, "search").path("results");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).path("title").asString()).isEqualTo("Page A");
        assertThat(results.get(0).path("url").asString()).isEqualTo(API.base() + "/a");
        assertThat(results.get(0).path("snippet").asString()).isEqualTo("About alpha");
        assertThat(results.get(1).path("snippet").asString()).isEqualTo("About beta");

        JsonNode sources = SearchSteps.output(client, run, "research").path("sources");
        assertThat(sources.findValuesAsString("title")).containsExactly("Page A", "Page B");
        assertThat(sources.get(0).path("text").asString()).contains("Alpha text");
        assertThat(sources.get(1).path("text").asString()).contains("Beta text");
    }

    @Test
    void errorStatusesBecomeClearToolErrorsAndTheKeyIsNeverShownOrLogged(CapturedOutput output) {
        GriddleClient client = newOrg();
        Run denied = SearchSteps.run(client, "  - {id: s, type: tool, with: {tool: web_search, arguments: {query: \"denied query\"}}}\n");
        assertThat(denied.status()).isEqualTo("failed");
        String deniedMessage = denied.error().path("message").asString();
        assertThat(deniedMessage).contains("Brave Search API answered HTTP 401", "GRIDDLE_WEB_BRAVE_API_KEY", "***").doesNotContain(KEY);

        Run limited = SearchSteps.run(client, "  - {id: s, type: tool, with: {tool: web_search, arguments: {query: \"limited query\"}}}\n");
        assertThat(limited.status()).isEqualTo("failed");
        assertThat(limited.error().path("message").asString()).contains("HTTP 429", "rate limited");

        Run broken = SearchSteps.run(client, "  - {id: s, type: tool, with: {tool: web_research, arguments: {query: \"broken query\"}}}\n");
        assertThat(broken.status()).isEqualTo("failed");
        assertThat(broken.error().path("message").asString()).contains("HTTP 503", "upstream unavailable");

        assertThat(requestsFor("denied query")).isNotEmpty();
        assertThat(client.runs().context(denied.id()).toString()).doesNotContain(KEY);
        assertThat(output.getAll()).doesNotContain(KEY);
    }
}

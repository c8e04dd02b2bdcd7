package dev.griddle.server.tool.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The web tools through {@code tool} steps, against a small site and a fake SearXNG served on 127.0.0.1 by this test. */
class WebToolsTest extends ApiTest {

    private static final HttpServer SITE = site();

    private static HttpServer site() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            Map<String, String> pages = Map.of(
                    "/", "<html><head><title>Home</title><script>var x = 1;</script></head><body><nav>Menu</nav><main><h1>Welcome</h1>"
                            + "<p>Griddle runs pipelines.</p><a href=\"/a\">A</a> <a href=\"/b\">B</a> <a href=\"http://example.invalid/x\">out</a>"
                            + "</main><footer>Copyright</footer></body></html>",
                    "/a", "<html><head><title>Page A</title></head><body><p>Alpha text</p><a href=\"/deep\">deeper</a></body></html>",
                    "/b", "<html><head><title>Page B</title></head><body><p>Beta text</p></body></html>",
                    "/deep", "<html><head><title>Deep</title></head><body><p>Too deep</p></body></html>",
                    "/big", "<html><body><p>" + "word ".repeat(100_000) + "</p></body></html>");
            s.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                if (path.equals("/moved")) {
                    exchange.getResponseHeaders().add("Location", "/a");
                    exchange.sendResponseHeaders(302, -1);
                    exchange.close();
                    return;
                }
                if (path.equals("/search")) {
                    String q = exchange.getRequestURI().getQuery();
                    String port = Integer.toString(exchange.getLocalAddress().getPort());
                    String body = """
                            {"query": "%s", "results": [
                              {"title": "Page A", "url": "http://127.0.0.1:%s/a", "content": "about alpha"},
                              {"title": "Page B", "url": "http://127.0.0.1:%s/b", "content": "about beta"}]}
                            """.formatted(q.contains("griddle") ? "griddle" : "other", port, port);
                    send(exchange, 200, "application/json", body);
                    return;
                }
                String page = pages.get(path);
                send(exchange, page == null ? 404 : 200, "text/html; charset=utf-8", page == null ? "nope" : page);
            });
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(com.sun.net.httpserver.HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @AfterAll
    static void stop() {
        SITE.stop(0);
    }

    @DynamicPropertySource
    static void web(DynamicPropertyRegistry registry) {
        registry.add("griddle.web.searxng-url", () -> base());
        registry.add("griddle.web.max-text-chars", () -> "1000");
    }

    private static String base() {
        return "http://127.0.0.1:" + SITE.getAddress().getPort();
    }

    private Run run(GriddleClient client, String web, String steps) {
        Runner runner = client.runners().createYaml("name: r-" + UUID.randomUUID() + "\nsteps:\n" + steps);
        if (web != null) {
            client.send("PUT", "/api/v1/runners/" + runner.id() + "/web", web, Map.of());
        }
        Run started = client.runs().start(runner.id(), StartRun.of(null));
        return client.runs().await(started.id(), Duration.ofSeconds(30));
    }

    private static JsonNode output(GriddleClient client, Run run, String step) {
        return client.runs().context(run.id()).path("steps").path(step);
    }

    @Test
    void readReturnsMainTextFollowsRedirectsAndCutsLongPages() {
        GriddleClient client = newOrg();
        Run run = run(client, "{\"enabled\": true}", """
                  - {id: home, type: tool, with: {tool: web_read, arguments: {url: "%1$s/"}}}
                  - {id: moved, type: tool, with: {tool: web_read, arguments: {url: "%1$s/moved"}}}
                  - {id: big, type: tool, with: {tool: web_read, arguments: {url: "%1$s/big"}}}
                """.formatted(base()));
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode home = output(client, run, "home");
        assertThat(home.path("title").asString()).isEqualTo("Home");
        assertThat(home.path("text").asString()).contains("Welcome", "Griddle runs pipelines.").doesNotContain("Menu", "Copyright", "var x");
        assertThat(output(client, run, "moved").path("title").asString()).isEqualTo("Page A");
        JsonNode big = output(client, run, "big");
        assertThat(big.path("text").asString()).hasSize(1000);
        assertThat(big.path("truncated").asBoolean()).isTrue();
    }

    @Test
    void crawlStaysOnTheSiteWithinDepthAndPages() {
        GriddleClient client = newOrg();
        Run run = run(client, "{\"enabled\": true}", """
                  - {id: crawl, type: tool, with: {tool: web_crawl, arguments: {url: "%s/", max_depth: 1, max_pages: 10}}}
                """.formatted(base()));
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode pages = output(client, run, "crawl").path("pages");
        assertThat(pages.findValuesAsString("title")).containsExactly("Home", "Page A", "Page B");
    }

    @Test
    void searchAndResearchUseTheSearxngBackend() {
        GriddleClient client = newOrg();
        Run run = run(client, "{\"enabled\": true}", """
                  - {id: search, type: tool, with: {tool: web_search, arguments: {query: "griddle pipelines"}}}
                  - {id: research, type: tool, with: {tool: web_research, arguments: {query: "griddle", max_results: 2}}}
                """);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode results = output(client, run, "search").path("results");
        assertThat(results.findValuesAsString("title")).containsExactly("Page A", "Page B");
        assertThat(results.get(0).path("snippet").asString()).isEqualTo("about alpha");
        JsonNode sources = output(client, run, "research").path("sources");
        assertThat(sources.get(0).path("text").asString()).contains("Alpha text");
        assertThat(sources.get(1).path("text").asString()).contains("Beta text");
    }

    @Test
    void switchesAndTheOutboundGuardDecide() {
        GriddleClient client = newOrg();
        Run off = run(client, null, "  - {id: r, type: tool, with: {tool: web_read, arguments: {url: \"%s/\"}}}\n".formatted(base()));
        assertThat(off.status()).isEqualTo("failed");
        assertThat(off.error().path("message").asString()).contains("no tool named 'web_read'");

        Run readOff = run(client, "{\"enabled\": true, \"read_enabled\": false}",
                "  - {id: r, type: tool, with: {tool: web_read, arguments: {url: \"%s/\"}}}\n".formatted(base()));
        assertThat(readOff.status()).isEqualTo("failed");

        Run guarded = run(client, "{\"enabled\": true}", "  - {id: r, type: tool, with: {tool: web_read, arguments: {url: \"http://10.1.2.3/\"}}}\n");
        assertThat(guarded.status()).isEqualTo("failed");
        assertThat(guarded.error().path("message").asString()).contains("private");
    }
}

package dev.griddle.server.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.ReplayModels.Call;
import dev.griddle.sdk.ReplayModels.ReplayRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.tool.mcp.TestMcpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue #18: the tools that leave the run ({@code sql} on a database integration, {@code web},
 * {@code mcp}, {@code knowledge}, and a {@code retrieve} step's search as {@code knowledge}) are recorded under their kind, and a strict replay answers them
 * from the recording after what they reached is gone (the document deleted, the web site or MCP
 * server shut down); the SQL query's replay is answered from the recording (replayed, same fingerprint).
 */
class ToolReplayTest extends ApiTest {

    @DynamicPropertySource
    static void web(DynamicPropertyRegistry registry) {
        registry.add("griddle.web.max-text-chars", () -> "1000");
    }

    private static Run run(GriddleClient client, Runner runner) {
        return client.runs().await(client.runs().start(runner.id(), StartRun.of(null)).id(), Duration.ofSeconds(30));
    }

    private static Runner runner(GriddleClient client, String step) {
        return client.runners().createYaml("name: r-" + UUID.randomUUID() + "\nsteps:\n  - " + step + "\n");
    }

    /** The run's recording holds one call of each of {@code kinds}; a strict replay answers them and ends with the same output. */
    private static void replaysOffline(GriddleClient client, Run run, String... kinds) {
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        List<Call> calls = client.runs().recording(run.id()).calls();
        assertThat(calls).extracting(Call::kind).containsExactly(kinds);
        assertThat(calls).allSatisfy(c -> assertThat(c.replayed()).isFalse());
        assertThat(calls).allSatisfy(c -> assertThat(c.response().isEmpty()).as(c.toString()).isFalse());
        Run replay = client.runs().await(client.runs().replay(run.id(), ReplayRequest.strict()).id(), Duration.ofSeconds(30));
        assertThat(replay.status()).as(String.valueOf(replay.error())).isEqualTo("succeeded");
        assertThat(replay.output()).isEqualTo(run.output());
        List<Call> replayed = client.runs().recording(replay.id()).calls();
        assertThat(replayed).allSatisfy(c -> assertThat(c.replayed()).isTrue());
        assertThat(replayed).extracting(Call::fingerprint).containsExactlyInAnyOrderElementsOf(calls.stream().map(Call::fingerprint).toList());
    }

    @Test
    void aSqlQueryIsRecordedAndReplayedFromTheRecording() {
        GriddleClient client = newOrg();
        String raw = TestDatabase.url().replace("//localhost:", "//127.0.0.1:");
        String url = raw.contains("?") ? raw.substring(0, raw.indexOf('?')) : raw;
        RawResponse created = client.raw("POST", "/api/v1/integrations", """
                {"name": "db", "kind": "postgresql", "url": "%s", "username": "postgres", "password": "pw"}""".formatted(url), Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = json(created).path("id").asString();
        Runner runner = runner(client, "{id: q, type: tool, with: {tool: db__sql_query, arguments: {sql: \"select 6 * 7 as answer\"}}}");
        client.send("POST", "/api/v1/runners/" + runner.id() + "/integrations", "{\"integration_id\": \"" + id + "\"}", Map.of());
        Run run = run(client, runner);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(run.output().toString()).contains("42");
        replaysOffline(client, run, "sql");
    }

    @Test
    void aWebReadIsRecordedAndReplayedAfterTheSiteIsDown() throws Exception {
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", exchange -> {
            byte[] page = "<html><head><title>Facts</title></head><body><main><p>Oslo has 8 bridges.</p></main></body></html>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        site.start();
        GriddleClient client = newOrg();
        Runner runner = runner(client, "{id: read, type: tool, with: {tool: web_read, arguments: {url: \"http://127.0.0.1:%d/\"}}}"
                .formatted(site.getAddress().getPort()));
        client.send("PUT", "/api/v1/runners/" + runner.id() + "/web", "{\"enabled\": true}", Map.of());
        Run run;
        try {
            run = run(client, runner);
        } finally {
            site.stop(0);
        }
        assertThat(run.output().toString()).contains("Oslo has 8 bridges");
        replaysOffline(client, run, "web");
    }

    @Test
    void anMcpToolCallIsRecordedAndReplayedAfterTheServerIsDown() throws Exception {
        GriddleClient client = newOrg();
        String slug = "calc" + UUID.randomUUID().toString().substring(0, 6);
        Runner runner = runner(client, "{id: add, type: tool, with: {tool: %s__add, arguments: {a: 40, b: 2}}}".formatted(slug));
        Run run;
        try (TestMcpServer server = TestMcpServer.start()) {
            String id = json(client.send("POST", "/api/v1/mcp-servers", """
                    {"name": "Calc %s", "slug": "%s", "transport": "streamable_http", "url": "%s"}""".formatted(slug, slug, server.url()), Map.of()))
                    .path("id").asString();
            client.send("POST", "/api/v1/runners/" + runner.id() + "/mcps", "{\"mcp_server_id\": \"" + id + "\"}", Map.of());
            run = run(client, runner);
        }
        assertThat(run.output().toString()).contains("sum=42");
        replaysOffline(client, run, "mcp");
    }

    @Test
    void aKnowledgeSearchIsRecordedAndReplayedAfterItsDocumentIsDeleted() throws Exception {
        GriddleClient client = newOrg();
        Runner runner = client.runners().createYaml("""
                name: r-%s
                steps:
                  - {id: find, type: tool, with: {tool: knowledge_search, arguments: {query: "return the corvina kettle"}}}
                  - {id: chunks, type: retrieve, with: {query: "return the corvina kettle"}}
                """.formatted(UUID.randomUUID()));
        Document manual = client.knowledge().create(DocumentInput.text("Kettle manual",
                "# Returns\n\nA customer may return the corvina kettle within 30 days of delivery.", "runner", runner.id()));
        Instant deadline = Instant.now().plusSeconds(30);
        while (!client.knowledge().get(manual.id()).status().equals("ready") && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(client.knowledge().get(manual.id()).status()).isEqualTo("ready");
        Run run = run(client, runner);
        JsonNode output = run.output();
        assertThat(output.path("find").toString()).contains("within 30 days");
        assertThat(output.path("chunks").path("chunks").toString()).contains("within 30 days");
        client.knowledge().delete(manual.id());
        replaysOffline(client, run, "knowledge", "knowledge");
    }
}

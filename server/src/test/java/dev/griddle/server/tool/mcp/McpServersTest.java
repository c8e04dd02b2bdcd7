package dev.griddle.server.tool.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * MCP servers against the official SDK's own server over streamable HTTP, hosted by an embedded
 * Tomcat on 127.0.0.1 in this test: registry, validate, tools, calls from {@code tool} steps,
 * {@code allowed_tools}, session pooling (one session for many calls; the overhead against fresh sessions is the bench's {@code mcp} scenario).
 */
class McpServersTest extends ApiTest {

    private static TestMcpServer server;
    private static String mcpUrl;

    @Autowired
    McpSessions sessions;

    @BeforeAll
    static void startMcpServer() throws Exception {
        server = TestMcpServer.start();
        mcpUrl = server.url();
    }

    @AfterAll
    static void stopMcpServer() throws Exception {
        server.close();
    }

    private static JsonNode json(GriddleClient client, String method, String path, String body) {
        RawResponse r = client.send(method, path, body, Map.of());
        return r.body() == null || r.body().isBlank() ? null : ApiTest.json(r);
    }

    private String register(GriddleClient client, String slug) {
        return json(client, "POST", "/api/v1/mcp-servers", """
                {"name": "Calc %s", "slug": "%s", "transport": "streamable_http", "url": "%s", "headers": {"Authorization": "Bearer tok-%s"}}
                """.formatted(slug, slug, mcpUrl, slug)).path("id").asString();
    }

    private Run run(GriddleClient client, UUID runnerId) {
        Run started = client.runs().start(runnerId, StartRun.of(null));
        return client.runs().await(started.id(), Duration.ofSeconds(30));
    }

    @Test
    void registryValidateAndToolsKeepHeadersWriteOnly() {
        GriddleClient client = newOrg();
        RawResponse created = client.raw("POST", "/api/v1/mcp-servers", """
                {"name": "Calc", "slug": "calc", "transport": "streamable_http", "url": "%s", "headers": {"Authorization": "Bearer hush"}}
                """.formatted(mcpUrl), Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("hush");
        JsonNode body = ApiTest.json(created);
        assertThat(body.path("header_names").toString()).contains("Authorization");
        String id = body.path("id").asString();

        JsonNode validation = json(client, "POST", "/api/v1/mcp-servers/" + id + "/validate", null);
        assertThat(validation.path("ok").asBoolean()).as(validation.toString()).isTrue();
        assertThat(validation.path("tools").findValuesAsString("name")).contains("add", "secret");
        assertThat(server.authorizations()).contains("Bearer hush");
        JsonNode tools = json(client, "GET", "/api/v1/mcp-servers/" + id + "/tools", null);
        assertThat(tools.path("data").findValuesAsString("name")).contains("add");
        assertThat(json(client, "GET", "/api/v1/mcp-servers/" + id, null).toString()).doesNotContain("hush");

        RawResponse dup = client.raw("POST", "/api/v1/mcp-servers",
                "{\"name\": \"Other\", \"slug\": \"calc\", \"transport\": \"streamable_http\", \"url\": \"" + mcpUrl + "\"}", Map.of());
        assertEnvelope(dup, 409, "CONFLICT");
        RawResponse bad = client.raw("POST", "/api/v1/mcp-servers",
                "{\"name\": \"x\", \"slug\": \"a__b\", \"transport\": \"stdio\", \"command\": \"sh\"}", Map.of());
        JsonNode errors = assertEnvelope(bad, 422, "VALIDATION_FAILED").path("error").path("details").path("field_errors");
        assertThat(errors.has("slug")).isTrue();
        assertThat(errors.path("transport").toString()).contains("stdio-enabled");
        RawResponse privateUrl = client.raw("POST", "/api/v1/mcp-servers",
                "{\"name\": \"y\", \"slug\": \"y\", \"transport\": \"sse\", \"url\": \"http://192.168.1.9/sse\"}", Map.of());
        assertThat(assertEnvelope(privateUrl, 422, "VALIDATION_FAILED").toString()).contains("private");

        String down = json(client, "POST", "/api/v1/mcp-servers",
                "{\"name\": \"Down\", \"slug\": \"down\", \"transport\": \"streamable_http\", \"url\": \"http://127.0.0.1:1/mcp\"}").path("id").asString();
        JsonNode failed = json(client, "POST", "/api/v1/mcp-servers/" + down + "/validate", null);
        assertThat(failed.path("ok").asBoolean()).isFalse();
        assertThat(failed.path("error").asString()).isNotBlank();

        JsonNode patched = json(client, "PATCH", "/api/v1/mcp-servers/" + id, "{\"name\": \"Calculator\", \"headers\": {}}");
        assertThat(patched.path("name").asString()).isEqualTo("Calculator");
        assertThat(patched.path("slug").asString()).isEqualTo("calc");
        assertThat(patched.path("header_names")).isEmpty();

        assertThat(client.raw("DELETE", "/api/v1/mcp-servers/" + id, null, Map.of()).status()).isEqualTo(204);
        assertThat(client.raw("GET", "/api/v1/mcp-servers/" + id, null, Map.of()).status()).isEqualTo(404);
    }

    @Test
    void toolStepsCallAttachedToolsOverOnePooledSessionWithinAllowedTools() {
        GriddleClient client = newOrg();
        String slug = "calc" + UUID.randomUUID().toString().substring(0, 6);
        String id = register(client, slug);
        Runner runner = client.runners().createYaml("""
                name: r-%s
                steps:
                  - {id: one, type: tool, with: {tool: %s__add, arguments: {a: 2, b: 3}}}
                  - {id: two, type: tool, needs: [one], with: {tool: %s__add, arguments: {a: 40, b: 2}}}
                """.formatted(UUID.randomUUID(), slug, slug));
        Run unattached = run(client, runner.id());
        assertThat(unattached.status()).isEqualTo("failed");

        json(client, "POST", "/api/v1/runners/" + runner.id() + "/mcps", "{\"mcp_server_id\": \"" + id + "\", \"allowed_tools\": [\"add\"]}");
        Run ok = run(client, runner.id());
        assertThat(ok.status()).as(String.valueOf(ok.error())).isEqualTo("succeeded");
        JsonNode ctx = client.runs().context(ok.id()).path("steps");
        assertThat(ctx.path("one").path("text").asString()).isEqualTo("sum=5");
        assertThat(ctx.path("two").path("text").asString()).isEqualTo("sum=42");
        assertThat(server.authorizations()).contains("Bearer tok-" + slug);

        Runner forbidden = client.runners().createYaml("""
                name: r-%s
                steps:
                  - {id: s, type: tool, with: {tool: %s__secret}}
                """.formatted(UUID.randomUUID(), slug));
        json(client, "POST", "/api/v1/runners/" + forbidden.id() + "/mcps", "{\"mcp_server_id\": \"" + id + "\", \"allowed_tools\": [\"add\"]}");
        Run refused = run(client, forbidden.id());
        assertThat(refused.status()).isEqualTo("failed");
        assertThat(refused.error().path("message").asString()).contains("no tool named");
    }

    @Test
    void theCachedToolListIsDroppedWhenTheServerSaysItChanged() {
        Instant now = Instant.now();
        McpServerRow row = new McpServerRow(UUID.randomUUID(), UUID.randomUUID(), "cache", "cache", "streamable_http", mcpUrl, null, null,
                List.of(), now, now);
        assertThat(sessions.tools(row)).extracting(t -> t.name()).doesNotContain("late");
        server.addTool("late", "here");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(sessions.tools(row)).extracting(t -> t.name()).contains("late"));
        sessions.evict(row.id());
    }

    @Test
    void callsShareOnePooledSessionUntilItIsDropped() {
        Instant now = Instant.now();
        McpServerRow row = new McpServerRow(UUID.randomUUID(), UUID.randomUUID(), "pool", "pool", "streamable_http", mcpUrl, null, null,
                List.of(), now, now);
        Set<String> before = server.sessionIds();
        for (int i = 0; i < 20; i++) {
            assertThat(sessions.call(row, "add", Map.of("a", i, "b", 1)).content().toString()).contains("sum=" + (i + 1));
        }
        sessions.tools(row);
        Set<String> afterPooled = new HashSet<>(server.sessionIds());
        afterPooled.removeAll(before);
        assertThat(afterPooled).as("20 calls and a listing over the pool").hasSize(1);

        sessions.evict(row.id());
        sessions.call(row, "add", Map.of("a", 1, "b", 1));
        McpServerRow changed = new McpServerRow(row.id(), row.orgId(), "pool", "pool", "streamable_http", mcpUrl, null, null, List.of(), now,
                now.plusSeconds(1));
        sessions.call(changed, "add", Map.of("a", 1, "b", 1));
        sessions.call(changed, "add", Map.of("a", 2, "b", 1));
        Set<String> opened = new HashSet<>(server.sessionIds());
        opened.removeAll(before);
        assertThat(opened).as("one more session after the eviction, one more after the row changed").hasSize(3);
        sessions.evict(row.id());
    }
}

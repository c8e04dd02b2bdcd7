package dev.griddle.server.tool.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.ConnectionModels.McpServer;
import dev.griddle.sdk.ConnectionModels.McpServerInput;
import dev.griddle.sdk.ConnectionModels.McpValidation;
import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** MCP over the HTTP+SSE transport: the SDK's SSE server on 127.0.0.1, registered, validated, listed and called from {@code tool} steps. */
class McpSseTest extends ApiTest {

    private static TestMcpServer server;

    @BeforeAll
    static void startMcpServer() throws Exception {
        server = TestMcpServer.startSse();
    }

    @AfterAll
    static void stopMcpServer() throws Exception {
        server.close();
    }

    @Test
    void sseServersAreValidatedListedAndCalledWithTheirHeaders() {
        GriddleClient client = newOrg();
        McpServer created = client.mcpServers()
                .create(McpServerInput.sse("Calc over SSE", "ssecalc", server.url()).withHeaders(Map.of("Authorization", "Bearer sse-token")));
        assertThat(created.transport()).isEqualTo("sse");
        assertThat(created.headerNames()).containsExactly("Authorization");

        McpValidation validation = client.mcpServers().validate(created.id());
        assertThat(validation.ok()).as(validation.error()).isTrue();
        assertThat(validation.tools()).extracting(t -> t.name()).containsExactlyInAnyOrder("add", "secret");
        assertThat(client.mcpServers().tools(created.id())).extracting(t -> t.name()).contains("add");
        assertThat(server.authorizations()).contains("Bearer sse-token");

        Runner runner = client.runners().createYaml("""
                name: r-%s
                steps:
                  - {id: one, type: tool, with: {tool: ssecalc__add, arguments: {a: 19, b: 23}}}
                  - {id: two, type: tool, needs: [one], with: {tool: ssecalc__add, arguments: {a: 1, b: 1}}}
                """.formatted(UUID.randomUUID()));
        client.mcpServers().attach(Owner.runner(runner.id()), created.id(), List.of("add"));
        assertThat(client.mcpServers().attached(Owner.runner(runner.id()))).singleElement()
                .satisfies(a -> assertThat(a.allowedTools()).containsExactly("add"));
        Run run = client.runs().await(client.runs().start(runner.id(), StartRun.of(null)).id(), Duration.ofSeconds(30));
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode steps = client.runs().context(run.id()).path("steps");
        assertThat(steps.path("one").path("text").asString()).isEqualTo("sum=42");
        assertThat(steps.path("two").path("text").asString()).isEqualTo("sum=2");

        Runner forbidden = client.runners().createYaml("""
                name: r-%s
                steps:
                  - {id: s, type: tool, with: {tool: ssecalc__secret}}
                """.formatted(UUID.randomUUID()));
        client.mcpServers().attach(Owner.runner(forbidden.id()), created.id(), List.of("add"));
        Run refused = client.runs().await(client.runs().start(forbidden.id(), StartRun.of(null)).id(), Duration.ofSeconds(30));
        assertThat(refused.status()).isEqualTo("failed");
        assertThat(refused.error().path("message").asString()).contains("no tool named 'ssecalc__secret'");

        client.mcpServers().detach(Owner.runner(runner.id()), created.id());
        assertThat(client.mcpServers().attached(Owner.runner(runner.id()))).isEmpty();
    }
}

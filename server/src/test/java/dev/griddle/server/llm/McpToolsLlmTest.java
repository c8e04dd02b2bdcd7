package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.tool.mcp.TestMcpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** An llm step (fake provider) calling an MCP server's tool as {@code <slug>__<tool>} through the runner's {@code mcps} attachment. */
class McpToolsLlmTest extends LlmTestBase {

    private static TestMcpServer mcp;

    @BeforeAll
    static void start() throws Exception {
        mcp = TestMcpServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        mcp.close();
    }

    @Test
    void theModelSeesAndCallsAllowedMcpTools() {
        GriddleClient client = newOrg();
        String id = send(client, "POST", "/api/v1/mcp-servers", """
                {"name": "Calc", "slug": "calc", "transport": "streamable_http", "url": "%s"}
                """.formatted(mcp.url())).path("id").asString();
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "calc__add", "{\"a\": 20, \"b\": 22}", 10, 5), FakeProvider.openAiText("42", 10, 5));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: %s, prompt: "What is 20 + 22? %s", tools: [calc__add]}
                """.formatted(MODEL, tag));
        send(client, "POST", "/api/v1/runners/" + runner.id() + "/mcps", "{\"mcp_server_id\": \"" + id + "\", \"allowed_tools\": [\"add\"]}");
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode out = output(client, run, "ask");
        assertThat(out.path("text").asString()).isEqualTo("42");
        assertThat(out.path("tool_calls").get(0).path("result").path("text").asString()).isEqualTo("sum=42");
        JsonNode tools = FAKE.requests(tag).getFirst().body().path("tools");
        assertThat(tools.get(0).path("function").path("name").asString()).isEqualTo("calc__add");
        assertThat(tools.get(0).path("function").path("parameters").path("required").toString()).contains("a", "b");

        Runner notAllowed = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: %s, prompt: "x", tools: [calc__secret]}
                """.formatted(MODEL));
        send(client, "POST", "/api/v1/runners/" + notAllowed.id() + "/mcps", "{\"mcp_server_id\": \"" + id + "\", \"allowed_tools\": [\"add\"]}");
        Run refused = runToEnd(client, notAllowed.id(), null);
        assertThat(refused.status()).isEqualTo("failed");
        assertThat(refused.error().path("message").asString()).contains("calc__secret");
    }
}

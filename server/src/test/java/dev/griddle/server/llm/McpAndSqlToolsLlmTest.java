package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.ConnectionModels.Integration;
import dev.griddle.sdk.ConnectionModels.IntegrationInput;
import dev.griddle.sdk.ConnectionModels.McpServer;
import dev.griddle.sdk.ConnectionModels.McpServerInput;
import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Event;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.TraceModels.Span;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.tool.mcp.TestMcpServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One {@code llm} step whose model (the fake provider, speaking OpenAI's chat completions) calls
 * an MCP server's tool and then a database integration's {@code sql_query} in the same run: a real
 * MCP server (the SDK's, streamable HTTP on 127.0.0.1) and a real PostgreSQL database this test
 * creates, both attached to the runner.
 */
class McpAndSqlToolsLlmTest extends LlmTestBase {

    private static TestMcpServer mcp;
    private static String dbUrl;

    @BeforeAll
    static void start() throws Exception {
        mcp = TestMcpServer.start();
        dbUrl = TestDatabase.seeded(
                "create table orders (id int primary key, customer text not null, total numeric(10, 2) not null)",
                "insert into orders values (1, 'Ada', 19.50), (2, 'Grace', 22.50)",
                "create table payroll (id int primary key, salary int)");
    }

    @AfterAll
    static void stop() throws Exception {
        mcp.close();
    }

    /** The tool results the model was sent back, in order: the {@code content} of each {@code role: tool} message of the last request. */
    private static List<String> toolMessages(JsonNode request) {
        return request.path("messages").valueStream().filter(m -> "tool".equals(m.path("role").asString())).map(m -> m.path("content").asString())
                .toList();
    }

    @Test
    void oneLlmStepUsesAnMcpToolAndASqlToolInOneRun() {
        GriddleClient client = newOrg();
        McpServer calc = client.mcpServers().create(McpServerInput.streamableHttp("Calc", "calc", mcp.url()));
        Integration shop = client.integrations().create(IntegrationInput.postgresql("shop", dbUrl, "postgres", "pw"));
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "calc__add", "{\"a\": 19.5, \"b\": 22.5}", 10, 5),
                FakeProvider.openAiToolCall("c2", "shop__sql_query", "{\"sql\": \"select count(*) as n, sum(total) as total from orders\"}", 20, 5),
                FakeProvider.openAiText("2 orders, 42 in all, as the calculator said", 30, 8));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: %s, prompt: "Check the order total. %s", tools: [calc__add, shop__sql_query]}
                """.formatted(MODEL, tag));
        client.mcpServers().attach(Owner.runner(runner.id()), calc.id(), List.of("add"));
        client.integrations().attach(Owner.runner(runner.id()), shop.id(), List.of("orders"));

        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode out = output(client, run, "ask");
        assertThat(out.path("text").asString()).isEqualTo("2 orders, 42 in all, as the calculator said");
        JsonNode calls = out.path("tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).path("result").path("text").asString()).isEqualTo("sum=42");
        assertThat(calls.get(1).path("result").path("rows").get(0).path("n").asInt()).isEqualTo(2);

        // what the model was offered, and both results reaching it
        List<FakeProvider.Received> requests = FAKE.requests(tag);
        assertThat(requests).hasSize(3);
        assertThat(requests.getFirst().body().path("tools").findValuesAsString("name")).containsExactlyInAnyOrder("calc__add", "shop__sql_query");
        assertThat(toolMessages(requests.get(1).body())).singleElement().asString().contains("sum=42");
        List<String> last = toolMessages(requests.get(2).body());
        assertThat(last).hasSize(2);
        assertThat(last.get(0)).contains("sum=42");
        assertThat(last.get(1)).contains("\"n\":2", "42.00");

        List<Event> toolEvents = client.runs().events(run.id(), null, 100).data().stream().filter(e -> e.type().equals("tool_call")).toList();
        assertThat(toolEvents).extracting(e -> e.data().path("tool").asString()).containsExactly("calc__add", "shop__sql_query");
        assertThat(toolEvents).allSatisfy(e -> {
            assertThat(e.stepId()).isEqualTo("ask");
            assertThat(e.data().has("error")).as(e.data().toString()).isFalse();
        });
        List<Span> toolSpans = client.traces().get(run.id()).spans().stream().filter(s -> s.kind().equals("tool")).toList();
        assertThat(toolSpans).extracting(Span::name).containsExactly("execute_tool calc__add", "execute_tool shop__sql_query");
        assertThat(toolSpans).extracting(Span::status).containsOnly("succeeded");
    }
}

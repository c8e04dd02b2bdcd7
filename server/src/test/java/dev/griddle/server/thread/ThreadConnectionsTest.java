package dev.griddle.server.thread;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.AgentModels.ChatEvent;
import dev.griddle.sdk.AgentModels.ThreadMessage;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.process.ServerProcess;
import dev.griddle.server.thread.FakeStreamingProvider.Call;
import dev.griddle.server.thread.FakeStreamingProvider.Text;
import dev.griddle.server.tool.mcp.TestMcpServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A thread's agent connected to an MCP server (the SDK's server over streamable HTTP on loopback),
 * a database integration (a database made on the test PostgreSQL) and the web tools: the model is
 * offered all of them and calls them, and an MCP server that cannot be reached leaves its tools
 * out without breaking the turn.
 */
class ThreadConnectionsTest extends ApiTest {

    static final FakeStreamingProvider FAKE = new FakeStreamingProvider();
    static final String MODEL = "openai/connections-model";
    private static TestMcpServer mcp;
    private static String dbUrl;

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        registry.add("griddle.llm.models[0].input-usd-per-mtok", () -> "2.5");
        registry.add("griddle.llm.models[0].output-usd-per-mtok", () -> "10");
        registry.add("griddle.mcp.request-timeout", () -> "2s");
    }

    @BeforeAll
    static void start() throws Exception {
        mcp = TestMcpServer.start();
        dbUrl = TestDatabase.seeded(
                "create table customers (id int primary key, name text not null)",
                "insert into customers values (1, 'Ada'), (2, 'Grace')",
                "create table payroll (id int primary key, salary int)");
    }

    @AfterAll
    static void stop() throws Exception {
        mcp.close();
    }

    private static JsonNode send(GriddleClient c, String method, String path, Object body) {
        RawResponse r = c.send(method, path, body, Map.of());
        assertThat(r.status()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        return r.body() == null || r.body().isBlank() ? null : json(r);
    }

    @Test
    void theAgentsMcpServersIntegrationsAndWebToolsAreOfferedAndCalled() {
        GriddleClient c = newOrg();
        String tag = "tag-" + UUID.randomUUID();
        String agent = send(c, "POST", "/api/v1/agents", Map.of("name", "conn", "model", MODEL, "instructions", "Help. " + tag)).path("id")
                .asString();
        String server = send(c, "POST", "/api/v1/mcp-servers", Map.of("name", "Calc", "slug", "calc", "transport", "streamable_http", "url",
                mcp.url())).path("id").asString();
        send(c, "POST", "/api/v1/agents/" + agent + "/mcps", Map.of("mcp_server_id", server, "allowed_tools", List.of("add")));
        String down = send(c, "POST", "/api/v1/mcp-servers", Map.of("name", "Down", "slug", "down", "transport", "streamable_http", "url",
                "http://127.0.0.1:" + ServerProcess.freePort() + "/mcp")).path("id").asString();
        send(c, "POST", "/api/v1/agents/" + agent + "/mcps", Map.of("mcp_server_id", down));
        String integration = send(c, "POST", "/api/v1/integrations", Map.of("name", "crm", "kind", "postgresql", "url", dbUrl, "username",
                "postgres", "password", "pw")).path("id").asString();
        send(c, "POST", "/api/v1/agents/" + agent + "/integrations", Map.of("integration_id", integration, "allowed_tables", List.of("customers")));
        send(c, "PUT", "/api/v1/agents/" + agent + "/web", Map.of("enabled", true, "crawl_enabled", false));
        UUID thread = UUID.fromString(send(c, "POST", "/api/v1/threads", Map.of("agent_id", agent)).path("id").asString());

        FAKE.script(tag, List.of(new Call("calc__add", "{\"a\": 20, \"b\": 22}"), new Call("crm__sql_query",
                "{\"sql\": \"select name from customers order by id\"}")),
                List.of(new Call("crm__sql_query", "{\"sql\": \"select * from payroll\"}")),
                List.of(new Text("42, Ada and Grace.")));
        List<ChatEvent> events = new ArrayList<>();
        ThreadMessage answer = c.threads().send(thread, "Add and list", events::add);

        assertThat(answer.status()).isEqualTo("completed");
        assertThat(answer.content()).isEqualTo("42, Ada and Grace.");
        JsonNode offered = FAKE.servedFor(tag).getFirst().body().path("tools");
        List<String> names = new ArrayList<>();
        offered.forEach(t -> names.add(t.path("function").path("name").asString()));
        assertThat(names).contains("calc__add", "crm__sql_query", "crm__list_tables", "crm__describe_table", "web_read", "web_search")
                .doesNotContain("calc__secret", "web_crawl").noneMatch(n -> n.startsWith("down__"));
        JsonNode add = null;
        for (JsonNode t : offered) {
            if (t.path("function").path("name").asString().equals("calc__add")) {
                add = t.path("function");
            }
        }
        assertThat(add.path("parameters").path("required").toString()).contains("a", "b");

        List<ChatEvent> calls = events.stream().filter(e -> e.type().equals("tool.call")).toList();
        List<ChatEvent> results = events.stream().filter(e -> e.type().equals("tool.result")).toList();
        assertThat(calls).extracting(e -> e.data().path("name").asString()).containsExactly("calc__add", "crm__sql_query", "crm__sql_query");
        assertThat(results.get(0).data().path("result").path("text").asString()).isEqualTo("sum=42");
        assertThat(results.get(1).data().path("result").path("rows").toString()).contains("Ada", "Grace");
        assertThat(results.get(2).data().path("error").asString()).as("a table outside allowed_tables").contains("payroll");
        assertThat(answer.toolCalls()).hasSize(3);
        assertThat(answer.toolCalls().get(0).path("result").path("text").asString()).isEqualTo("sum=42");
        assertThat(FAKE.servedFor(tag).get(1).body().path("messages").toString()).as("the results went back to the model").contains("sum=42")
                .contains("Grace");

        // three model calls of 10 input and 5 output tokens each (the fake's usage), at $2.5 and $10 per million
        assertThat(answer.usage().modelCalls()).isEqualTo(3);
        assertThat(answer.usage().model()).isEqualTo(MODEL);
        assertThat(answer.usage().inputTokens()).isEqualTo(30);
        assertThat(answer.usage().outputTokens()).isEqualTo(15);
        assertThat(answer.usage().costUsd()).isEqualByComparingTo("0.000225");
        ThreadMessage stored = c.threads().messages(thread, dev.griddle.sdk.PageRequest.first()).data().get(1);
        assertThat(stored.usage()).isEqualTo(answer.usage());
        assertThat(c.threads().messages(thread, dev.griddle.sdk.PageRequest.first()).data().get(0).usage()).as("a user message has none").isNull();

        // the turn counts in analytics: for its agent, and in the organization's totals, but not under a runner
        var byAgent = c.analytics().summary("agent_id=" + agent);
        assertThat(byAgent.threadTurns()).isEqualTo(1);
        assertThat(byAgent.runs()).isZero();
        assertThat(byAgent.inputTokens()).isEqualTo(30);
        assertThat(byAgent.outputTokens()).isEqualTo(15);
        assertThat(byAgent.costUsd()).isEqualByComparingTo("0.000225");
        assertThat(byAgent.byModel()).singleElement().satisfies(m -> {
            assertThat(m.model()).isEqualTo(MODEL);
            assertThat(m.calls()).isEqualTo(3);
        });
        var all = c.analytics().summary("window=day");
        assertThat(all.threadTurns()).isEqualTo(1);
        assertThat(all.costUsd()).isEqualByComparingTo("0.000225");
        assertThat(c.analytics().summary("agent_id=" + UUID.randomUUID()).threadTurns()).isZero();
        assertThat(c.analytics().summary("runner_id=" + UUID.randomUUID()).costUsd()).isZero();
        assertThat(newOrg().analytics().summary("agent_id=" + agent).threadTurns()).as("another organization").isZero();
        JsonNode series = send(c, "GET", "/api/v1/analytics/timeseries?metric=tokens", null).path("data");
        long tokens = 0;
        for (JsonNode point : series) {
            tokens += point.path("value").asLong();
        }
        assertThat(tokens).isEqualTo(45);
        RawResponse bad = c.raw("GET", "/api/v1/analytics/summary?agent_id=nope", null, Map.of());
        assertEnvelope(bad, 422, "VALIDATION_FAILED");
    }
}

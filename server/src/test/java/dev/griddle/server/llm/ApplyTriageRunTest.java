package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.TriggerModels.ApplyResult;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.tool.mcp.TestMcpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The shared triage example applied with its integration (a real PostgreSQL database) and MCP
 * server (the MCP SDK's server on loopback), then run: the step's {@code agent_id: "triager"}
 * was resolved by apply, and the model (fake provider) calls {@code crm__sql_query} and
 * {@code linear__search_issues} through the agent's connections. Lives beside the llm tests for
 * their fake provider.
 */
class ApplyTriageRunTest extends LlmTestBase {

    private static String dbUrl;
    private static TestMcpServer mcp;
    private static HttpServer helpdesk;
    private static final List<String> labels = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dbUrl = TestDatabase.seeded(
                "create table customers (id int primary key, name text not null, email text not null, plan text)",
                "insert into customers values (1, 'Ada', 'ada@example.com', 'pro'), (2, 'Grace', 'grace@example.com', 'free')",
                "create table contracts (customer_id int, sla text)",
                "create table payroll (id int primary key, salary int)");
        mcp = TestMcpServer.start();
        mcp.addTool("search_issues", "LIN-7 (open): login fails after password reset");
        helpdesk = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        helpdesk.createContext("/", exchange -> {
            labels.add(exchange.getRequestURI().getPath() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    + " auth=" + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        helpdesk.start();
    }

    @AfterAll
    static void stop() throws Exception {
        mcp.close();
        helpdesk.stop(0);
    }

    private static ObjectNode bundle() {
        try (InputStream in = ApplyTriageRunTest.class.getResourceAsStream("/apply/triage.json")) {
            ObjectNode bundle = (ObjectNode) FakeProvider.JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            ((ObjectNode) bundle.get("agents").get(0)).put("model", MODEL);
            ObjectNode label = (ObjectNode) bundle.get("runners").get(0).get("steps").get(2).get("with");
            label.put("url", "http://127.0.0.1:" + helpdesk.getAddress().getPort() + "/api/tickets/{{ input.ticket_id }}/labels");
            bundle.set("integrations", FakeProvider.JSON.readTree("""
                    [{"name": "crm", "kind": "postgresql", "url": "%s", "username": "postgres"}]""".formatted(dbUrl)));
            bundle.set("mcp_servers", FakeProvider.JSON.readTree("""
                    [{"name": "Linear", "slug": "linear", "transport": "streamable_http", "url": "%s",
                      "headers": {"Authorization": "Bearer lin-token"}}]""".formatted(mcp.url())));
            return bundle;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theAppliedTriageRunnerReachesItsAgentsDatabaseAndMcpTools() {
        GriddleClient client = newOrg();
        client.secrets().put("HELPDESK_TOKEN", "helpdesk-token-123");
        ApplyResult applied = client.apply().json(bundle().toString(), false);
        UUID runner = applied.created().stream().filter(a -> a.kind().equals("runner")).findFirst().orElseThrow().id();

        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "crm__sql_query", "{\"sql\": \"select name, plan from customers where email = 'ada@example.com'\"}", 5, 5),
                FakeProvider.openAiToolCall("c2", "linear__search_issues", "{}", 5, 5),
                FakeProvider.openAiText("{\"priority\": \"normal\", \"reason\": \"a pro customer hit the known issue LIN-7\"}", 5, 5));
        Run run = runToEnd(client, runner, """
                {"ticket_id": "%s", "text": "I cannot log in", "email": "ada@example.com"}""".formatted(tag));
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode classify = output(client, run, "classify");
        JsonNode calls = classify.path("tool_calls");
        assertThat(calls.get(0).path("result").path("rows").get(0).path("name").asString()).isEqualTo("Ada");
        assertThat(calls.get(1).path("result").path("text").asString()).contains("LIN-7");
        assertThat(classify.path("json").path("priority").asString()).isEqualTo("normal");
        JsonNode offered = FAKE.requests(tag).getFirst().body().path("tools");
        assertThat(offered.findValuesAsString("name")).contains("crm__sql_query", "linear__search_issues");
        assertThat(mcp.authorizations()).contains("Bearer lin-token");
        assertThat(labels).anySatisfy(l -> assertThat(l).startsWith("/api/tickets/" + tag + "/labels").contains("normal")
                .endsWith("auth=Bearer helpdesk-token-123"));
    }
}

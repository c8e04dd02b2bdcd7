package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.AgentModels.Agent;
import dev.griddle.sdk.AgentModels.AgentInput;
import dev.griddle.sdk.AgentModels.Credentials;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunnerModels.Runner;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Custom HTTP tools, the tool-calling loop, the tool step, agents and their merged connections, budgets. */
class AgentToolsTest extends LlmTestBase {

    private HttpServer weather;
    private final List<String> weatherCalls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startWeather() throws Exception {
        weather = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        weather.createContext("/", exchange -> {
            weatherCalls.add(exchange.getRequestURI().toString());
            byte[] body = "{\"temp_c\": 21}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        weather.start();
    }

    @AfterEach
    void stopWeather() {
        weather.stop(0);
    }

    private String createTool(GriddleClient client, String name) {
        String url = "http://127.0.0.1:" + weather.getAddress().getPort() + "/weather?city={{ args.city }}";
        JsonNode tool = send(client, "POST", "/api/v1/tools", """
                {"name": "%s", "description": "Current weather", "parameters": {"type": "object", "required": ["city"],
                 "properties": {"city": {"type": "string"}}}, "http": {"method": "GET", "url": "%s"}}
                """.formatted(name, url));
        return tool.path("id").asString();
    }

    @Test
    void toolLoopCallsACustomHttpToolAndBadArgumentsGoBackToTheModel() {
        GriddleClient client = newOrg();
        String toolId = createTool(client, "weather");
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "weather", "{\"town\": \"Paris\"}", 10, 5),
                FakeProvider.openAiToolCall("c2", "weather", "{\"city\": \"Paris\"}", 20, 5), FakeProvider.openAiText("21 degrees", 30, 5));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: %s, prompt: "Weather in Paris? %s", tools: [weather]}
                """.formatted(MODEL, tag));
        send(client, "POST", "/api/v1/runners/" + runner.id() + "/tools", "{\"tool_id\": \"" + toolId + "\"}");
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode out = output(client, run, "ask");
        assertThat(out.path("text").asString()).isEqualTo("21 degrees");
        assertThat(out.path("tool_calls")).hasSize(2);
        assertThat(out.path("tool_calls").get(0).path("error").asString()).contains("city");
        assertThat(out.path("tool_calls").get(1).path("result").path("body").path("temp_c").asInt()).isEqualTo(21);
        assertThat(weatherCalls).containsExactly("/weather?city=Paris");
        assertThat(run.inputTokens()).isEqualTo(60);
        List<FakeProvider.Received> requests = FAKE.requests(tag);
        assertThat(requests.getFirst().body().path("tools").get(0).path("function").path("name").asString()).isEqualTo("weather");
        assertThat(requests.get(1).body().path("messages").toString()).contains("arguments do not match");
        assertThat(requests.get(2).body().path("messages").toString()).contains("temp_c");
        var types = client.runs().events(run.id(), null, 100).data().stream().map(e -> e.type()).toList();
        assertThat(types).contains("llm_call", "tool_call");
    }

    @Test
    void toolsMustBeConnectedAndMaxToolCallsBoundsTheLoop() {
        GriddleClient client = newOrg();
        createTool(client, "weather");
        Runner unconnected = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: %s, prompt: "x", tools: [weather]}
                """.formatted(MODEL));
        Run run = runToEnd(client, unconnected.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString()).contains("not connected");

        String toolId = send(client, "GET", "/api/v1/tools", null).path("data").get(0).path("id").asString();
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "weather", "{\"city\": \"Oslo\"}", 1, 1));
        Runner looping = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: %s, prompt: "loop %s", tools: [weather], max_tool_calls: 2}
                """.formatted(MODEL, tag));
        send(client, "POST", "/api/v1/runners/" + looping.id() + "/tools", "{\"tool_id\": \"" + toolId + "\"}");
        run = runToEnd(client, looping.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString()).contains("max_tool_calls (2)");
    }

    @Test
    void toolStepCallsAToolDirectly() {
        GriddleClient client = newOrg();
        createTool(client, "weather");
        Runner runner = runner(client, """
                steps:
                  - id: w
                    type: tool
                    with: {tool: weather, arguments: {city: "{{ input.city }}"}}
                """);
        Run run = runToEnd(client, runner.id(), "{\"city\": \"Rome\"}");
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(output(client, run, "w").path("status").asInt()).isEqualTo(200);
        assertThat(output(client, run, "w").path("body").path("temp_c").asInt()).isEqualTo(21);
        assertThat(weatherCalls).containsExactly("/weather?city=Rome");
    }

    @Test
    void agentGivesInstructionsModelAndItsToolsWinOnName() {
        GriddleClient client = newOrg();
        String runnerTool = createTool(client, "weather");
        String agentTool = send(client, "POST", "/api/v1/tools", """
                {"name": "weather2", "parameters": {"type": "object", "properties": {}}, "http": {"url": "http://127.0.0.1:1/x"}}
                """).path("id").asString();
        String tag = tag();
        JsonNode agent = send(client, "POST", "/api/v1/agents", """
                {"name": "a-%s", "model": "%s", "instructions": "You are terse. %s", "temperature": 0.5}
                """.formatted(UUID.randomUUID(), MODEL, tag));
        String agentId = agent.path("id").asString();
        send(client, "POST", "/api/v1/agents/" + agentId + "/tools", "{\"tool_id\": \"" + agentTool + "\"}");
        FAKE.script(tag, FakeProvider.openAiText("ok", 1, 1));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {agent_id: "%s", system: "Step rules.", prompt: "hi", tools: [weather, weather2]}
                """.formatted(agentId));
        send(client, "POST", "/api/v1/runners/" + runner.id() + "/tools", "{\"tool_id\": \"" + runnerTool + "\"}");
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode request = FAKE.requests(tag).getFirst().body();
        assertThat(request.path("model").asString()).isEqualTo("test-model");
        assertThat(request.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(request.path("messages").get(0).path("content").asString()).startsWith("You are terse.").endsWith("Step rules.");
        assertThat(request.path("tools")).hasSize(2);
    }

    @Test
    void agentCrudCredentialsAndConnectionsDefaults() {
        GriddleClient client = newOrg();
        expectError(422, "VALIDATION_FAILED", () -> send(client, "POST", "/api/v1/agents", "{\"model\": \"x/y\"}"));
        expectError(422, "VALIDATION_FAILED", () -> send(client, "POST", "/api/v1/agents", "{\"name\": \"a\", \"temperature\": 5}"));
        Agent agent = client.agents().create(AgentInput.of("helper", MODEL, null));
        String id = agent.id().toString();
        assertThat(client.agents().update(agent.id(), new AgentInput(null, null, null, "be kind", null, null)).instructions()).isEqualTo("be kind");
        assertThat(client.agents().get(agent.id()).model()).isEqualTo(MODEL);
        assertThat(client.agents().list(PageRequest.first()).data()).extracting(Agent::id).containsExactly(agent.id());
        Map<String, Boolean> creds = client.agents().putCredentials(agent.id(), new Credentials("sk-own-secret", null));
        assertThat(creds).containsEntry("openai_api_key", true).containsEntry("anthropic_api_key", false);
        assertThat(client.agents().credentials(agent.id())).containsEntry("openai_api_key", true);
        assertThat(send(client, "GET", "/api/v1/agents/" + id, null).toString()).doesNotContain("sk-own-secret");
        assertThat(client.agents().putCredentials(agent.id(), new Credentials("", null))).containsEntry("openai_api_key", false);

        JsonNode web = send(client, "GET", "/api/v1/agents/" + id + "/web", null);
        assertThat(web.path("enabled").asBoolean()).isFalse();
        assertThat(web.path("crawl_enabled").asBoolean()).isTrue();
        assertThat(send(client, "PUT", "/api/v1/agents/" + id + "/plan", "{\"enabled\": true}").path("remind_on_turn_end").asBoolean()).isTrue();
        expectError(422, "VALIDATION_FAILED", () -> send(client, "PUT", "/api/v1/agents/" + id + "/web", "{\"bogus\": true}"));
        expectError(422, "VALIDATION_FAILED",
                () -> send(client, "POST", "/api/v1/agents/" + id + "/skills", "{\"skill_id\": \"" + UUID.randomUUID() + "\"}"));
        String skill = send(client, "POST", "/api/v1/skills", "{\"name\": \"triage\", \"instructions\": \"sort it\"}").path("id").asString();
        send(client, "POST", "/api/v1/agents/" + id + "/skills", "{\"skill_id\": \"" + skill + "\"}");
        assertThat(send(client, "GET", "/api/v1/agents/" + id + "/skills", null).path("data").get(0).path("skill_id").asString()).isEqualTo(skill);
        client.send("DELETE", "/api/v1/agents/" + id + "/skills", "{\"skill_id\": \"" + skill + "\"}", java.util.Map.of());
        assertThat(send(client, "GET", "/api/v1/agents/" + id + "/skills", null).path("data")).isEmpty();

        GriddleClient other = newOrg();
        expectError(404, "NOT_FOUND", () -> send(other, "GET", "/api/v1/agents/" + id, null));
        expectError(404, "NOT_FOUND", () -> send(other, "GET", "/api/v1/agents/" + id + "/tools", null));
        expectError(404, "NOT_FOUND", () -> send(other, "PUT", "/api/v1/agents/" + id + "/credentials", "{}"));
        expectError(422, "VALIDATION_FAILED", () -> send(client, "POST", "/api/v1/agents/" + id + "/tools",
                "{\"tool_id\": \"" + UUID.randomUUID() + "\"}"));
        client.agents().delete(agent.id());
        expectError(404, "NOT_FOUND", () -> client.agents().get(agent.id()));
    }

    @Test
    void toolsApiValidates() {
        GriddleClient client = newOrg();
        expectError(422, "VALIDATION_FAILED", () -> send(client, "POST", "/api/v1/tools", "{\"name\": \"bad name\"}"));
        expectError(422, "VALIDATION_FAILED", () -> send(client, "POST", "/api/v1/tools",
                "{\"name\": \"t\", \"parameters\": {\"type\": \"string\"}, \"http\": {\"url\": \"http://x\"}}"));
        String id = createTool(client, "weather");
        expectError(409, "CONFLICT", () -> createTool(client, "weather"));
        expectError(404, "NOT_FOUND", () -> send(newOrg(), "GET", "/api/v1/tools/" + id, null));
    }

    @Test
    void budgetPausesTheRunAndResumeWithAddBudgetCarriesOn() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiText("done", 1000, 0));
        Runner runner = runner(client, """
                steps:
                  - id: first
                    type: llm
                    with: {model: %s, prompt: "one %s"}
                  - id: second
                    type: llm
                    needs: [first]
                    with: {model: %s, prompt: "two %s"}
                """.formatted(MODEL, tag, MODEL, tag));
        JsonNode budget = send(client, "PUT", "/api/v1/runners/" + runner.id() + "/budget", "{\"max_cost_usd_per_run\": 0.001}");
        assertThat(budget.path("on_exceed").asString()).isEqualTo("pause");
        expectError(422, "VALIDATION_FAILED", () -> send(client, "PUT", "/api/v1/runners/" + runner.id() + "/budget",
                "{\"on_exceed\": \"explode\"}"));
        expectError(404, "NOT_FOUND", () -> send(newOrg(), "GET", "/api/v1/runners/" + runner.id() + "/budget", null));

        Run started = client.runs().start(runner.id(), dev.griddle.sdk.RunModels.StartRun.of(null));
        Run paused = awaitStatus(client, started.id(), "budget_paused");
        assertThat(paused.costUsd()).isEqualByComparingTo("0.001");
        var exceeded = client.runs().events(started.id(), null, 100).data().stream().filter(e -> e.type().equals("budget_exceeded")).toList();
        assertThat(exceeded).hasSize(1);
        assertThat(exceeded.getFirst().stepId()).isEqualTo("second");
        assertThat(FAKE.requests(tag)).hasSize(1);

        expectError(422, "VALIDATION_FAILED", () -> send(client, "POST", "/api/v1/runs/" + started.id() + "/resume", "{\"add_budget_usd\": -1}"));
        send(client, "POST", "/api/v1/runs/" + started.id() + "/resume", "{\"add_budget_usd\": 0.01}");
        Run done = client.runs().await(started.id(), Duration.ofSeconds(30));
        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("succeeded");
        assertThat(done.costUsd()).isEqualByComparingTo("0.002");
        assertThat(FAKE.requests(tag)).hasSize(2);
    }

    @Test
    void budgetFailsTheRunWhenOnExceedIsFail() {
        GriddleClient client = newOrg();
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: %s, prompt: "x"}
                """.formatted(MODEL));
        send(client, "PUT", "/api/v1/runners/" + runner.id() + "/budget", "{\"max_tokens_per_run\": 0, \"on_exceed\": \"fail\"}");
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString()).contains("budget exceeded").contains("max_tokens_per_run");
    }

    private static Run awaitStatus(GriddleClient client, UUID runId, String status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Run run = client.runs().get(runId);
            if (run.status().equals(status)) {
                return run;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("run " + runId + " never became " + status + ": " + client.runs().get(runId));
    }
}

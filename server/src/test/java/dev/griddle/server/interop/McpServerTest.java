package dev.griddle.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.AgentModels.AgentInput;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.RunnerInput;
import dev.griddle.server.ApiTest;
import dev.griddle.server.thread.FakeStreamingProvider;
import dev.griddle.server.thread.FakeStreamingProvider.Text;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /mcp} over real HTTP with the MCP SDK's own client: tools from runners and agents, calls, approvals, cancellation, resources, roles. */
class McpServerTest extends ApiTest {

    static final FakeStreamingProvider FAKE = new FakeStreamingProvider();
    static final String MODEL = "openai/mcp-model";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
        registry.add("griddle.interop.call-wait", () -> "3s");
    }

    static final String GREET = """
            name: greet runner
            description: Says hi
            input_schema: {type: object, required: [name], properties: {name: {type: string}}}
            steps:
              - id: greet
                type: transform
                with: {value: "hi {{ input.name }}"}
            output: {greeting: "{{ steps.greet.output }}"}
            """;

    McpSyncClient mcp(String key) {
        return mcp(key, progress -> {
        });
    }

    McpSyncClient mcp(String key, java.util.function.Consumer<McpSchema.ProgressNotification> progress) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(baseUrl()).endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key)).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).progressConsumer(progress).build();
        client.initialize();
        return client;
    }

    String adminKey(GriddleClient admin) {
        return admin.keys().create(new CreateKey("mcp admin", "admin", null, null)).secret();
    }

    @Test
    void runnersAndAgentsAreToolsAndARunnerToolAnswersWithTheRunsOutput() {
        GriddleClient admin = newOrg();
        UUID runner = admin.runners().createYaml(GREET).id();
        admin.runners().createYaml(GREET.replace("name: greet runner", "name: greet:runner"));
        admin.agents().create(new AgentInput("helper", "Answers questions", MODEL, "Be brief", null, null));
        try (McpSyncClient client = mcp(adminKey(admin))) {
            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).containsExactly("greet_runner", tools.get(1).name(), "ask_helper");
            assertThat(tools.get(1).name()).matches("greet_runner_[0-9a-f]{8}");
            assertThat(tools).allSatisfy(t -> assertThat(t.name()).matches("^[a-zA-Z0-9_-]{1,64}$"));
            McpSchema.Tool greet = tools.getFirst();
            assertThat(greet.description()).startsWith("Says hi");
            assertThat(greet.inputSchema().get("required")).isEqualTo(List.of("name"));
            assertThat(tools.get(2).inputSchema().get("required")).isEqualTo(List.of("message"));

            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("greet_runner", Map.of("name", "Ada")));
            assertThat(result.isError()).isFalse();
            assertThat(result.structuredContent()).isEqualTo(Map.of("greeting", "hi Ada"));
            assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).isEqualTo("{\"greeting\":\"hi Ada\"}");
            String runId = (String) result.meta().get("run_id");
            assertThat(admin.runs().get(UUID.fromString(runId)).runnerId()).isEqualTo(runner);

            McpSchema.CallToolResult bad = client.callTool(new McpSchema.CallToolRequest("greet_runner", Map.of("name", 7)));
            assertThat(bad.isError()).isTrue();
            assertThat(((McpSchema.TextContent) bad.content().getFirst()).text()).contains("VALIDATION_FAILED");

            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("no_such_tool", Map.of()))).isInstanceOf(McpError.class)
                    .hasMessageContaining("Unknown tool");

            admin.runners().update(runner, new RunnerInput("hello", null, null, null, null, null, null));
            // the rename changes its tool's name, and the other runner, no longer colliding, loses its suffix
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("hello", "greet_runner", "ask_helper");
        }
    }

    @Test
    void aRunWaitingForAnApprovalOrStillGoingAnswersWithItsIdStatusAndLinks() throws Exception {
        GriddleClient admin = newOrg();
        admin.runners().createYaml("""
                name: needs-ok
                steps:
                  - {id: t, type: transform, with: {value: 1}}
                  - {id: a, type: approval, needs: [t], with: {message: "ship it?"}}
                """);
        admin.runners().createYaml("""
                name: slow
                steps:
                  - {id: w, type: wait, with: {duration_ms: 60000}}
                """);
        try (McpSyncClient client = mcp(adminKey(admin))) {
            McpSchema.CallToolResult approval = client.callTool(new McpSchema.CallToolRequest("needs-ok", Map.of()));
            assertThat(approval.isError()).isFalse();
            Map<?, ?> waiting = (Map<?, ?>) approval.structuredContent();
            assertThat(waiting.get("status")).isEqualTo("waiting");
            assertThat(waiting.get("waiting_for")).isEqualTo("approval");
            Map<?, ?> first = (Map<?, ?>) ((List<?>) waiting.get("approvals")).getFirst();
            assertThat(first.get("message")).isEqualTo("ship it?");
            assertThat((String) first.get("approve_url")).isEqualTo(baseUrl() + "/api/v1/approvals/" + first.get("id") + "/complete");
            assertThat((String) waiting.get("run_url")).isEqualTo(baseUrl() + "/api/v1/runs/" + waiting.get("run_id"));

            long started = System.nanoTime();
            McpSchema.CallToolResult slow = client.callTool(new McpSchema.CallToolRequest("slow", Map.of()));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(10));
            Map<?, ?> going = (Map<?, ?>) slow.structuredContent();
            assertThat(going.get("status")).isIn("running", "waiting");
            assertThat(going.get("resource")).isEqualTo("griddle://runs/" + going.get("run_id"));
            assertThat(going.get("message").toString()).contains("still");
        }
    }

    @Test
    void aCallWithAProgressTokenStreamsProgressAsItsStepsFinishThenTheResult() throws Exception {
        GriddleClient admin = newOrg();
        admin.runners().createYaml("""
                name: three steps
                steps:
                  - {id: one, type: wait, with: {duration_ms: 300}}
                  - {id: two, type: wait, needs: [one], with: {duration_ms: 300}}
                  - {id: three, type: transform, needs: [two], with: {value: done}}
                output: {result: "{{ steps.three.output }}"}
                """);
        String key = adminKey(admin);
        List<McpSchema.ProgressNotification> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (McpSyncClient client = mcp(key, progress::add)) {
            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder().name("three_steps").arguments(Map.of())
                    .progressToken("p-1").build());
            assertThat(result.isError()).as(String.valueOf(result.content())).isFalse();
            assertThat(result.structuredContent()).isEqualTo(Map.of("result", "done"));
        }
        assertThat(progress).isNotEmpty().allSatisfy(p -> {
            assertThat(p.progressToken()).isEqualTo("p-1");
            assertThat(p.total()).isEqualTo(3.0);
        });
        assertThat(progress).extracting(McpSchema.ProgressNotification::progress).isSorted().doesNotHaveDuplicates();
        assertThat(progress.getLast().progress()).isEqualTo(3.0);
        assertThat(progress.getLast().message()).contains("3 of 3 steps finished");

        // on the wire: the POST itself answers with an SSE stream, the notifications before the response; no token, plain JSON
        HttpResponse<String> streamed = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/mcp")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                         "params": {"name": "three_steps", "arguments": {}, "_meta": {"progressToken": 42}}}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> events = streamed.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(events.size()).isGreaterThanOrEqualTo(2);
        assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e).contains("notifications/progress").contains("\"progressToken\":42"));
        assertThat(JSON.readTree(events.getLast()).path("result").path("structuredContent").path("result").asString()).isEqualTo("done");
        JsonNode plain = post(key, """
                {"jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": {"name": "three_steps", "arguments": {}}}""");
        assertThat(plain.path("result").path("structuredContent").path("result").asString()).isEqualTo("done");
    }

    @Test
    void cancellingTheCallCancelsTheRun() throws Exception {
        GriddleClient admin = newOrg();
        admin.runners().createYaml("""
                name: slow
                steps:
                  - {id: w, type: wait, with: {duration_ms: 60000}}
                """);
        String key = adminKey(admin);
        // the SDK's client has no call to cancel a request, so the call and its cancellation are JSON-RPC posted by hand
        CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> post(key, """
                {"jsonrpc": "2.0", "id": "call-1", "method": "tools/call", "params": {"name": "slow", "arguments": {}}}"""));
        Thread.sleep(1000);
        post(key, """
                {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "call-1", "reason": "user"}}""");
        JsonNode result = call.get().path("result");
        String runId = result.path("structuredContent").path("run_id").asString();
        assertThat(result.path("structuredContent").path("status").asString()).isEqualTo("cancelled");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(admin.runs().get(UUID.fromString(runId)).status()).isEqualTo("cancelled");
    }

    @Test
    void askAnAgentIsAnsweredByAThreadTurnThatGoesOnWithThreadId() {
        GriddleClient admin = newOrg();
        admin.agents().create(new AgentInput("helper", null, MODEL, "Be brief", null, null));
        // the second request holds the first question too (history): one tag, its replies in turn
        FAKE.script("mcp-conversation", List.of(new Text("Forty"), new Text("-two.")), List.of(new Text("Still 42.")));
        try (McpSyncClient client = mcp(adminKey(admin))) {
            McpSchema.CallToolResult answer = client.callTool(new McpSchema.CallToolRequest("ask_helper", Map.of("message", "mcp-conversation 1")));
            assertThat(answer.isError()).isFalse();
            assertThat(((McpSchema.TextContent) answer.content().getFirst()).text()).isEqualTo("Forty-two.");
            String thread = (String) ((Map<?, ?>) answer.structuredContent()).get("thread_id");
            McpSchema.CallToolResult next = client.callTool(new McpSchema.CallToolRequest("ask_helper",
                    Map.of("message", "mcp-conversation 2", "thread_id", thread)));
            assertThat(((Map<?, ?>) next.structuredContent()).get("thread_id")).isEqualTo(thread);
            assertThat(admin.threads().messages(UUID.fromString(thread), PageRequest.first()).data()).extracting(m -> m.content())
                    .containsExactly("mcp-conversation 1", "Forty-two.", "mcp-conversation 2", "Still 42.");

            McpSchema.CallToolResult noMessage = client.callTool(new McpSchema.CallToolRequest("ask_helper", Map.of()));
            assertThat(noMessage.isError()).isTrue();
        }
    }

    @Test
    void runsAndKnowledgeDocumentsAreReadOnlyResources() {
        GriddleClient admin = newOrg();
        UUID runner = admin.runners().createYaml(GREET).id();
        UUID run = admin.runs().start(runner, new StartRun(JSON.readTree("{\"name\": \"Bo\"}"), null, null)).id();
        UUID doc = admin.knowledge().create(DocumentInput.text("Kettle manual", "# Returns\n\nThe kettle may be returned within 30 days.",
                "runner", runner)).id();
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.knowledge().get(doc).status(), "ready"::equals);
        try (McpSyncClient client = mcp(adminKey(admin))) {
            McpSchema.TextResourceContents manual = (McpSchema.TextResourceContents) client.readResource(
                    new McpSchema.ReadResourceRequest("griddle://knowledge/" + doc)).contents().getFirst();
            assertThat(manual.mimeType()).isEqualTo("text/plain");
            assertThat(manual.text()).startsWith("Kettle manual").contains("returned within 30 days");
            assertThat(client.listResourceTemplates().resourceTemplates()).extracting(McpSchema.ResourceTemplate::uriTemplate)
                    .containsExactlyInAnyOrder("griddle://runs/{id}", "griddle://knowledge/{id}");
            assertThat(client.listResources().resources()).extracting(McpSchema.Resource::uri).contains("griddle://runs/" + run);
            McpSchema.TextResourceContents contents = (McpSchema.TextResourceContents) client.readResource(
                    new McpSchema.ReadResourceRequest("griddle://runs/" + run)).contents().getFirst();
            JsonNode view = JSON.readTree(contents.text());
            assertThat(view.path("id").asString()).isEqualTo(run.toString());
            assertThat(view.path("input").path("name").asString()).isEqualTo("Bo");
            assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest("griddle://runs/" + UUID.randomUUID())))
                    .isInstanceOf(McpError.class);
        }
    }

    @Test
    void aViewerListsAndReadsButMayNotCallAndNoKeyIsA401() throws Exception {
        GriddleClient admin = newOrg();
        admin.runners().createYaml(GREET);
        String viewer = admin.keys().create(new CreateKey("mcp viewer", "viewer", null, null)).secret();
        try (McpSyncClient client = mcp(viewer)) {
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("greet_runner");
            McpSchema.CallToolResult refused = client.callTool(new McpSchema.CallToolRequest("greet_runner", Map.of("name", "Ada")));
            assertThat(refused.isError()).isTrue();
            assertThat(((McpSchema.TextContent) refused.content().getFirst()).text()).contains("viewer");
        }
        assertThat(admin.runs().list(null, PageRequest.first()).data()).isEmpty();
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/mcp")).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void anotherOrganizationSeesNoneOfItsToolsOrRuns() {
        GriddleClient a = newOrg();
        UUID runner = a.runners().createYaml(GREET).id();
        UUID run = a.runs().start(runner, new StartRun(JSON.readTree("{\"name\": \"Bo\"}"), null, null)).id();
        GriddleClient b = newOrg();
        try (McpSyncClient client = mcp(adminKey(b))) {
            assertThat(client.listTools().tools()).isEmpty();
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("greet_runner", Map.of("name", "x")))).isInstanceOf(McpError.class);
            assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest("griddle://runs/" + run))).isInstanceOf(McpError.class);
            assertThat(client.listResources().resources()).isEmpty();
        }
        assertThat(a.runs().list(null, PageRequest.first()).data()).hasSize(1);
    }

    private JsonNode post(String key, String body) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/mcp")).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

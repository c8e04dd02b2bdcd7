package dev.griddle.server.thread;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.AgentModels.ChatEvent;
import dev.griddle.sdk.AgentModels.ThreadMessage;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import dev.griddle.server.thread.FakeStreamingProvider.Call;
import dev.griddle.server.thread.FakeStreamingProvider.Pause;
import dev.griddle.server.thread.FakeStreamingProvider.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Threads on Anthropic (Messages API server-sent events) and Ollama ({@code /api/chat}
 * newline-delimited JSON), each against a fake streaming server on loopback: a text turn streamed
 * chunk by chunk, and a tool-call turn whose tool input arrives in pieces.
 */
class ThreadProvidersTest extends ApiTest {

    static final FakeStreamingProvider FAKE = new FakeStreamingProvider();
    static final String ANTHROPIC = "anthropic/claude-stream";
    static final String OLLAMA = "ollama/llama-stream";
    static final String OPENAI = "openai/gpt-stream";

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("griddle.anthropic.base-url", FAKE::anthropicBaseUrl);
        registry.add("griddle.anthropic.api-key", () -> "sk-ant-test");
        registry.add("griddle.ollama.base-url", FAKE::ollamaBaseUrl);
        registry.add("griddle.llm.models[0].id", () -> ANTHROPIC);
        registry.add("griddle.llm.models[0].input-usd-per-mtok", () -> "3");
        registry.add("griddle.llm.models[0].output-usd-per-mtok", () -> "15");
        registry.add("griddle.llm.models[1].id", () -> OLLAMA);
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[2].id", () -> OPENAI);
    }

    private static JsonNode send(GriddleClient c, String method, String path, Object body) {
        RawResponse r = c.send(method, path, body, Map.of());
        assertThat(r.status()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        return json(r);
    }

    private record Setup(GriddleClient client, String agent, UUID thread, String tag) {
    }

    private Setup setup(String model) {
        GriddleClient c = newOrg();
        String tag = "tag-" + UUID.randomUUID();
        String agent = send(c, "POST", "/api/v1/agents", Map.of("name", "p", "model", model, "instructions", "Help. " + tag)).path("id").asString();
        UUID thread = UUID.fromString(send(c, "POST", "/api/v1/threads", Map.of("agent_id", agent)).path("id").asString());
        return new Setup(c, agent, thread, tag);
    }

    private static String path(String model) {
        return model.startsWith("anthropic/") ? "/v1/messages" : model.startsWith("ollama/") ? "/api/chat" : "/v1/chat/completions";
    }

    /**
     * Four turns streaming at once, each a chunk, a 1.5 s pause and a chunk: every first chunk
     * reaches its client before any turn ends, so no stream waits for another (compared with the
     * turns' own ends, not a wall-clock bound, so a loaded machine does not fail it).
     */
    @ParameterizedTest
    @ValueSource(strings = {OPENAI, ANTHROPIC, OLLAMA})
    void concurrentTurnsStreamSideBySide(String model) throws Exception {
        Setup warmUp = setup(model);
        FAKE.script(warmUp.tag(), List.of(new Text("Warm.")));
        warmUp.client().threads().send(warmUp.thread(), "Warm up", null);
        int n = 4;
        List<Setup> setups = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Setup s = setup(model);
            FAKE.script(s.tag(), List.of(new Text("Start"), new Pause(1500), new Text(" end.")));
            setups.add(s);
        }
        long t0 = System.nanoTime();
        List<Long> firstDeltaMs = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> completedMs = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (Setup s : setups) {
            clients.add(Thread.ofVirtual().start(() -> {
                java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
                s.client().threads().send(s.thread(), "Go", e -> {
                    if (e.type().equals("message.delta") && first.getAndSet(false)) {
                        firstDeltaMs.add((System.nanoTime() - t0) / 1_000_000);
                    }
                    if (e.type().equals("message.completed")) {
                        completedMs.add((System.nanoTime() - t0) / 1_000_000);
                    }
                });
            }));
        }
        for (Thread t : clients) {
            t.join(Duration.ofSeconds(30));
        }
        assertThat(firstDeltaMs).hasSize(n);
        assertThat(completedMs).hasSize(n);
        long firstEnd = completedMs.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertThat(firstDeltaMs).allSatisfy(ms -> assertThat(ms).as("ms until a first delta, before the first turn ended at " + firstEnd + " ms")
                .isLessThan(firstEnd));
        for (Setup s : setups) {
            assertThat(s.client().threads().messages(s.thread(), dev.griddle.sdk.PageRequest.first()).data().getLast().content())
                    .isEqualTo("Start end.");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ANTHROPIC, OLLAMA})
    void aTextTurnStreamsChunkByChunk(String model) {
        Setup s = setup(model);
        FAKE.script(s.tag(), List.of(new Text("Glomma"), new Pause(150), new Text(", Lågen"), new Pause(150), new Text(" and Tana.")));
        List<ChatEvent> events = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        ThreadMessage answer = s.client().threads().send(s.thread(), "Name three rivers", e -> {
            events.add(e);
            arrivals.add(System.nanoTime());
        });

        assertThat(events).extracting(ChatEvent::type).containsExactly("message.delta", "message.delta", "message.delta", "message.completed");
        assertThat(events.get(0).data().path("text").asString()).isEqualTo("Glomma");
        assertThat((arrivals.get(2) - arrivals.get(0)) / 1_000_000).as("ms between the first and last delta: they came as sent, not at once")
                .isGreaterThan(100);
        assertThat(answer.content()).isEqualTo("Glomma, Lågen and Tana.");
        assertThat(answer.status()).isEqualTo("completed");
        assertThat(answer.usage().inputTokens()).isEqualTo(10);
        assertThat(answer.usage().outputTokens()).isEqualTo(5);
        assertThat(answer.usage().costUsd()).isEqualByComparingTo(model.equals(ANTHROPIC) ? "0.000105" : "0");

        FakeStreamingProvider.Served served = FAKE.servedFor(s.tag()).getFirst();
        assertThat(served.path()).isEqualTo(path(model));
        assertThat(served.body().path("stream").asBoolean()).isTrue();
        assertThat(served.body().toString()).contains("Name three rivers").contains("Help. " + s.tag());
    }

    @ParameterizedTest
    @ValueSource(strings = {ANTHROPIC, OLLAMA})
    void aToolCallTurnRunsTheToolAndSendsItsResultBack(String model) {
        Setup s = setup(model);
        String skill = send(s.client(), "POST", "/api/v1/skills", Map.of("name", "refunds", "description", "Refund rules", "instructions",
                "Refund within 30 days.")).path("id").asString();
        send(s.client(), "POST", "/api/v1/agents/" + s.agent() + "/skills", Map.of("skill_id", skill));
        FAKE.script(s.tag(), List.of(new Text("Let me check."), new Call("load_skill", "{\"name\": \"refunds\"}")),
                List.of(new Text("Within 30 days.")));
        List<ChatEvent> events = new ArrayList<>();
        ThreadMessage answer = s.client().threads().send(s.thread(), "Can I get a refund?", events::add);

        assertThat(events).extracting(ChatEvent::type).containsExactly("message.delta", "tool.call", "tool.result", "message.delta",
                "message.completed");
        assertThat(events.get(1).data().path("name").asString()).isEqualTo("load_skill");
        assertThat(events.get(1).data().path("arguments").path("name").asString()).as("the input assembled from its pieces").isEqualTo("refunds");
        assertThat(events.get(2).data().path("result").path("instructions").asString()).isEqualTo("Refund within 30 days.");
        assertThat(answer.content()).isEqualTo("Let me check.Within 30 days.");
        assertThat(answer.toolCalls().get(0).path("result").path("name").asString()).isEqualTo("refunds");
        assertThat(answer.usage().modelCalls()).isEqualTo(2);
        assertThat(answer.usage().inputTokens()).isEqualTo(20);
        assertThat(answer.usage().outputTokens()).isEqualTo(10);

        List<FakeStreamingProvider.Served> served = FAKE.servedFor(s.tag());
        assertThat(served).hasSize(2);
        assertThat(served.get(0).body().path("tools").toString()).contains("load_skill");
        String second = served.get(1).body().path("messages").toString();
        assertThat(second).as("the tool result went back in the provider's own form").contains("Refund within 30 days.")
                .contains(model.equals(ANTHROPIC) ? "tool_result" : "\"role\":\"tool\"");
    }
}

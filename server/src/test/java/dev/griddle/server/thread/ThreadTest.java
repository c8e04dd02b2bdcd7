package dev.griddle.server.thread;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.Models.CreatedOrganization;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import dev.griddle.server.thread.FakeStreamingProvider.Call;
import dev.griddle.server.thread.FakeStreamingProvider.Pause;
import dev.griddle.server.thread.FakeStreamingProvider.Text;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Threads over real HTTP, answered by a fake streaming provider on loopback. */
class ThreadTest extends ApiTest {

    private static final Logger log = LoggerFactory.getLogger(ThreadTest.class);
    static final FakeStreamingProvider FAKE = new FakeStreamingProvider();
    static final String MODEL = "openai/stream-model";

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
    }

    /** An SSE event as the client saw it, with when it arrived. */
    record Event(String name, JsonNode data, long atNanos) {
    }

    /** A chat stream read on its own thread; {@code END} marks the end of the stream. */
    final class Stream {
        static final String END = "<end>";
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        volatile InputStream body;
        final int status;

        Stream(String key, UUID thread, String content) throws Exception {
            this(key, thread, content, Map.of());
        }

        Stream(String key, UUID thread, String content, Map<String, String> headers) throws Exception {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/threads/" + thread + "/messages"));
            headers.forEach(builder::header);
            HttpRequest request = builder.header("Authorization", "Bearer " + key).header("Content-Type", "application/json").header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("content", content)))).build();
            HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            body = response.body();
            Thread.ofVirtual().start(() -> {
                String name = null;
                try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(body))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        if (line.startsWith("event:")) {
                            name = line.substring(6).strip();
                        } else if (line.startsWith("data:")) {
                            events.add(new Event(name, JSON.readTree(line.substring(5).strip()), System.nanoTime()));
                        }
                    }
                } catch (IOException ignored) {
                    // closed by the test
                }
                events.add(new Event(END, null, System.nanoTime()));
            });
        }

        Event next() throws InterruptedException {
            Event e = events.poll(20, TimeUnit.SECONDS);
            assertThat(e).as("an event within 20 s").isNotNull();
            return e;
        }

        List<Event> rest() throws InterruptedException {
            List<Event> out = new ArrayList<>();
            for (Event e = next(); !END.equals(e.name()); e = next()) {
                out.add(e);
            }
            return out;
        }

        void hangUp() throws IOException {
            body.close();
        }
    }

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    record Org(String key, GriddleClient client) {
    }

    Org org() {
        CreatedOrganization o = instanceAdmin().organizations().create("org-" + UUID.randomUUID());
        return new Org(o.adminKey(), client(o.adminKey()));
    }

    static JsonNode send(GriddleClient c, String method, String path, Object body) {
        RawResponse r = c.send(method, path, body, Map.of());
        return r.body() == null || r.body().isBlank() ? null : json(r);
    }

    /** An agent whose instructions carry {@code tag} (so the fake knows which script to play) and a thread with it. */
    static UUID thread(GriddleClient c, String tag) {
        String agent = send(c, "POST", "/api/v1/agents", Map.of("name", "a-" + tag, "model", MODEL, "instructions", "You help. " + tag))
                .path("id").asString();
        return UUID.fromString(send(c, "POST", "/api/v1/threads", Map.of("agent_id", agent, "title", "chat")).path("id").asString());
    }

    static String tag() {
        return "tag-" + UUID.randomUUID();
    }

    static JsonNode messages(GriddleClient c, UUID thread) {
        return send(c, "GET", "/api/v1/threads/" + thread + "/messages", null).path("data");
    }

    @Test
    void deltasArriveAsTheProviderSendsThem() throws Exception {
        Org org = org();
        String tag = tag();
        FAKE.script(tag, List.of(new Text("Hel"), new Pause(500), new Text("lo"), new Pause(500), new Text(" world")));
        UUID thread = thread(org.client(), tag);

        Stream stream = new Stream(org.key(), thread, "Say hello");
        assertThat(stream.status).isEqualTo(200);
        Event first = stream.next();
        assertThat(first.name()).isEqualTo("message.delta");
        assertThat(first.data().path("text").asString()).isEqualTo("Hel");
        List<Event> rest = stream.rest();
        FakeStreamingProvider.Served served = FAKE.servedFor(tag).getFirst();
        assertThat(first.atNanos()).as("the first delta reached the client before the provider sent its last chunk")
                .isLessThan(served.lastChunkNanos());
        long firstTokenMicros = (first.atNanos() - served.firstChunkNanos()) / 1_000;
        log.info("provider first token -> client first delta: {} us", firstTokenMicros);

        assertThat(rest).extracting(Event::name).containsExactly("message.delta", "message.delta", "message.completed");
        JsonNode message = rest.getLast().data().path("message");
        assertThat(message.path("content").asString()).isEqualTo("Hello world");
        assertThat(message.path("status").asString()).isEqualTo("completed");
        assertThat(message.path("role").asString()).isEqualTo("assistant");

        JsonNode stored = messages(org.client(), thread);
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0).path("role").asString()).isEqualTo("user");
        assertThat(stored.get(0).path("content").asString()).isEqualTo("Say hello");
        assertThat(stored.get(1).path("content").asString()).isEqualTo("Hello world");
    }

    @Test
    void theThreadIsRememberedOnTheNextTurn() throws Exception {
        Org org = org();
        String tag = tag();
        FAKE.script(tag, List.of(new Text("Nice to meet you, Ada.")), List.of(new Text("You are Ada.")));
        UUID thread = thread(org.client(), tag);
        List<Event> first = new Stream(org.key(), thread, "I am Ada").rest();
        assertThat(first.getLast().data().path("message").path("status").asString()).as(first.toString()).isEqualTo("completed");
        List<Event> second = new Stream(org.key(), thread, "Who am I?").rest();
        assertThat(second.getLast().data().path("message").path("content").asString()).isEqualTo("You are Ada.");

        JsonNode sent = FAKE.servedFor(tag).getLast().body().path("messages");
        assertThat(sent).extracting(m -> m.path("role").asString()).containsExactly("system", "user", "assistant", "user");
        assertThat(sent.get(1).path("content").asString()).isEqualTo("I am Ada");
        assertThat(sent.get(2).path("content").asString()).isEqualTo("Nice to meet you, Ada.");
        assertThat(sent.get(3).path("content").asString()).isEqualTo("Who am I?");
    }

    @Test
    void stopEndsTheTurnKeepsThePartialAnswerAndClosesTheProviderStream() throws Exception {
        Org org = org();
        String tag = tag();
        List<FakeStreamingProvider.Step> slow = new ArrayList<>(List.of(new Text("Once upon"), new Pause(1500)));
        for (int i = 0; i < 20; i++) {
            slow.add(new Text(" more"));
            slow.add(new Pause(100));
        }
        FAKE.script(tag, slow);
        UUID thread = thread(org.client(), tag);
        Stream stream = new Stream(org.key(), thread, "Tell a story");
        assertThat(stream.next().data().path("text").asString()).isEqualTo("Once upon");

        RawResponse second = org.client().raw("POST", "/api/v1/threads/" + thread + "/messages", "{\"content\": \"and another\"}", Map.of());
        assertEnvelope(second, 409, "CONFLICT");

        long t0 = System.nanoTime();
        assertThat(send(org.client(), "POST", "/api/v1/threads/" + thread + "/stop", null).path("stopped").asBoolean()).isTrue();
        List<Event> rest = stream.rest();
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until the stream ended").isLessThan(1400);
        assertThat(rest.getLast().name()).isEqualTo("message.completed");
        assertThat(rest.getLast().data().path("message").path("status").asString()).isEqualTo("stopped");
        assertThat(rest.getLast().data().path("message").path("content").asString()).isEqualTo("Once upon");

        JsonNode stored = messages(org.client(), thread);
        assertThat(stored.get(1).path("status").asString()).isEqualTo("stopped");
        assertThat(stored.get(1).path("content").asString()).isEqualTo("Once upon");
        awaitServed(tag, 1);
        assertThat(FAKE.servedFor(tag).getFirst().clientHungUp()).as("the provider stream was closed").isTrue();
        assertThat(send(org.client(), "POST", "/api/v1/threads/" + thread + "/stop", null).path("stopped").asBoolean()).isFalse();

        FAKE.script(tag, List.of(new Text("again")));
        assertThat(new Stream(org.key(), thread, "once more").rest().getLast().name()).as("the thread takes messages again")
                .isEqualTo("message.completed");
    }

    @Test
    void aClientThatHangsUpDoesNotLoseTheAnswer() throws Exception {
        Org org = org();
        String tag = tag();
        FAKE.script(tag, List.of(new Text("Part one."), new Pause(700), new Text(" Part two.")));
        UUID thread = thread(org.client(), tag);
        Stream stream = new Stream(org.key(), thread, "Go", Map.of("Idempotency-Key", "k-" + tag));
        assertThat(stream.next().name()).isEqualTo("message.delta");
        stream.hangUp();

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode stored = messages(org.client(), thread);
        while (!"completed".equals(stored.path(1).path("status").asString()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            stored = messages(org.client(), thread);
        }
        assertThat(stored.get(1).path("status").asString()).isEqualTo("completed");
        assertThat(stored.get(1).path("content").asString()).isEqualTo("Part one. Part two.");
    }

    @Test
    void theAgentsToolsRunInALoop() throws Exception {
        Org org = org();
        String tag = tag();
        FAKE.script(tag, List.of(new Call("lookup", "{\"q\": \"x\"}")), List.of(new Text("Found it.")));
        UUID thread = thread(org.client(), tag);
        String agent = send(org.client(), "GET", "/api/v1/threads/" + thread, null).path("agent_id").asString();
        String tool = send(org.client(), "POST", "/api/v1/tools", Map.of("name", "lookup", "description", "Looks up",
                "parameters", Map.of("type", "object", "properties", Map.of("q", Map.of("type", "string"))),
                "http", Map.of("method", "GET", "url", baseUrl() + "/healthz"))).path("id").asString();
        send(org.client(), "POST", "/api/v1/agents/" + agent + "/tools", Map.of("tool_id", tool));

        List<Event> events = new Stream(org.key(), thread, "Find x").rest();
        assertThat(events).extracting(Event::name).containsExactly("tool.call", "tool.result", "message.delta", "message.completed");
        assertThat(events.get(0).data().path("name").asString()).isEqualTo("lookup");
        assertThat(events.get(0).data().path("arguments").path("q").asString()).isEqualTo("x");
        assertThat(events.get(1).data().has("result")).as(events.get(1).data().toString()).isTrue();
        JsonNode message = events.getLast().data().path("message");
        assertThat(message.path("content").asString()).isEqualTo("Found it.");
        assertThat(message.path("tool_calls").get(0).path("name").asString()).isEqualTo("lookup");
        assertThat(FAKE.servedFor(tag).getLast().body().path("messages").toString()).contains("tool");
    }

    @Test
    void crudPagingValidationAndTenancy() {
        Org org = org();
        GriddleClient c = org.client();
        UUID thread = thread(c, tag());
        JsonNode got = send(c, "GET", "/api/v1/threads/" + thread, null);
        assertThat(got.path("title").asString()).isEqualTo("chat");
        String agent = got.path("agent_id").asString();
        assertThat(send(c, "GET", "/api/v1/threads?agent_id=" + agent, null).path("meta").path("total").asLong()).isEqualTo(1);
        assertThat(send(c, "GET", "/api/v1/threads?agent_id=" + UUID.randomUUID(), null).path("data")).isEmpty();
        assertThat(send(c, "GET", "/api/v1/threads/" + thread + "/messages?per_page=5", null).path("meta").path("per_page").asInt()).isEqualTo(5);

        expectError(422, "VALIDATION_FAILED", () -> send(c, "POST", "/api/v1/threads", Map.of()));
        expectError(422, "VALIDATION_FAILED", () -> send(c, "POST", "/api/v1/threads", Map.of("agent_id", UUID.randomUUID())));
        expectError(422, "VALIDATION_FAILED", () -> send(c, "POST", "/api/v1/threads/" + thread + "/messages", Map.of("content", "")));
        String noModel = send(c, "POST", "/api/v1/agents", Map.of("name", "no-model")).path("id").asString();
        String t2 = send(c, "POST", "/api/v1/threads", Map.of("agent_id", noModel)).path("id").asString();
        expectError(422, "VALIDATION_FAILED", () -> send(c, "POST", "/api/v1/threads/" + t2 + "/messages", Map.of("content", "hi")));

        GriddleClient other = org().client();
        expectError(404, "NOT_FOUND", () -> send(other, "GET", "/api/v1/threads/" + thread, null));
        expectError(404, "NOT_FOUND", () -> send(other, "GET", "/api/v1/threads/" + thread + "/messages", null));
        expectError(404, "NOT_FOUND", () -> send(other, "POST", "/api/v1/threads/" + thread + "/messages", Map.of("content", "hi")));
        expectError(404, "NOT_FOUND", () -> send(other, "POST", "/api/v1/threads/" + thread + "/stop", null));
        assertThat(send(other, "GET", "/api/v1/threads", null).path("data")).isEmpty();
        expectError(422, "VALIDATION_FAILED", () -> send(other, "POST", "/api/v1/threads", Map.of("agent_id", agent)));
    }

    @Test
    void aKeyLimitedToProjectsListsOnlyTheirAgentsThreads() {
        GriddleClient admin = org().client();
        UUID mine = admin.projects().create("mine", null).id();
        UUID theirs = admin.projects().create("theirs", null).id();
        String mineAgent = send(admin, "POST", "/api/v1/agents", Map.of("name", "a-mine", "project_id", mine)).path("id").asString();
        String theirAgent = send(admin, "POST", "/api/v1/agents", Map.of("name", "a-theirs", "project_id", theirs)).path("id").asString();
        String visible = send(admin, "POST", "/api/v1/threads", Map.of("agent_id", mineAgent)).path("id").asString();
        String hidden = send(admin, "POST", "/api/v1/threads", Map.of("agent_id", theirAgent)).path("id").asString();
        GriddleClient limited = client(admin.keys().create(new CreateKey("limited", "contributor", List.of(mine), null)).secret());

        JsonNode listed = send(limited, "GET", "/api/v1/threads", null);
        assertThat(listed.path("data").findValuesAsString("id")).containsExactly(visible);
        assertThat(listed.path("meta").path("total").asLong()).isEqualTo(1);
        assertThat(send(limited, "GET", "/api/v1/threads?agent_id=" + theirAgent, null).path("data")).isEmpty();
        expectError(404, "NOT_FOUND", () -> send(limited, "GET", "/api/v1/threads/" + hidden, null));
        assertThat(send(admin, "GET", "/api/v1/threads", null).path("meta").path("total").asLong()).isEqualTo(2);
    }

    @Test
    void theSdkStreamsAnAnswer() {
        Org org = org();
        String tag = tag();
        FAKE.script(tag, List.of(new Text("One"), new Pause(100), new Text(" two")));
        UUID thread = thread(org.client(), tag);
        List<String> types = new ArrayList<>();
        var answer = org.client().threads().send(thread, "Count", e -> types.add(e.type()));
        assertThat(types).containsExactly("message.delta", "message.delta", "message.completed");
        assertThat(answer.content()).isEqualTo("One two");
        assertThat(answer.status()).isEqualTo("completed");
        var thr = org.client().threads().get(thread);
        assertThat(org.client().threads().list(thr.agentId(), dev.griddle.sdk.PageRequest.first()).data()).hasSize(1);
        assertThat(org.client().threads().messages(thread, dev.griddle.sdk.PageRequest.first()).data())
                .extracting(dev.griddle.sdk.AgentModels.ThreadMessage::role).containsExactly("user", "assistant");
        assertThat(org.client().threads().stop(thread)).isFalse();
        expectError(404, "NOT_FOUND", () -> org().client().threads().send(thread, "hi", null));
    }

    @Test
    void attachedSkillsAndThePlanSettingGiveTheAgentBuiltInTools() throws Exception {
        Org org = org();
        String tag = tag();
        FAKE.script(tag, List.of(new Call("load_skill", "{\"name\": \"refunds\"}")),
                List.of(new Call("create_plan", "{\"title\": \"Refund\", \"todos\": [\"check order\", \"pay back\"]}")),
                List.of(new Call("list_ready", "{}")), List.of(new Text("Planned.")));
        UUID thread = thread(org.client(), tag);
        String agent = send(org.client(), "GET", "/api/v1/threads/" + thread, null).path("agent_id").asString();
        String skill = send(org.client(), "POST", "/api/v1/skills", Map.of("name", "refunds", "description", "Refund rules",
                "instructions", "Refund within 30 days.")).path("id").asString();
        send(org.client(), "POST", "/api/v1/agents/" + agent + "/skills", Map.of("skill_id", skill));
        // the plan's todos stay open: no end-of-turn reminder here (PlanReminderThreadTest covers it)
        send(org.client(), "PUT", "/api/v1/agents/" + agent + "/plan", Map.of("enabled", true, "remind_on_turn_end", false));

        List<Event> events = new Stream(org.key(), thread, "Refund me").rest();
        List<Event> results = events.stream().filter(e -> e.name().equals("tool.result")).toList();
        assertThat(results).hasSize(3);
        assertThat(results.get(0).data().path("result").path("instructions").asString()).isEqualTo("Refund within 30 days.");
        assertThat(results.get(1).data().path("result").path("todos")).hasSize(2);
        assertThat(results.get(2).data().path("result").path("ready")).hasSize(2);
        assertThat(events.getLast().data().path("message").path("content").asString()).isEqualTo("Planned.");

        JsonNode firstRequest = FAKE.servedFor(tag).get(0).body();
        assertThat(firstRequest.path("tools").toString()).contains("load_skill").contains("Refund rules").contains("create_plan")
                .contains("list_ready");
        JsonNode plans = send(org.client(), "GET", "/api/v1/plans?thread_id=" + thread, null).path("data");
        assertThat(plans).hasSize(1);
        assertThat(plans.get(0).path("title").asString()).isEqualTo("Refund");
    }

    private static void awaitServed(String tag, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (FAKE.servedFor(tag).size() < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}

package dev.griddle.server.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.AgentModels.ThreadMessage;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.KnowledgeModels.ScopeRef;
import dev.griddle.sdk.Models.CreatedOrganization;
import dev.griddle.sdk.Page;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.TraceModels.CreateEvaluation;
import dev.griddle.sdk.TraceModels.Evaluation;
import dev.griddle.sdk.TraceModels.Span;
import dev.griddle.sdk.TraceModels.Trace;
import dev.griddle.sdk.TraceModels.TraceDetail;
import dev.griddle.sdk.ThreadsClient.TurnFailedException;
import dev.griddle.server.ApiTest;
import dev.griddle.server.run.RunnerFixtures;
import dev.griddle.server.store.Sql;
import dev.griddle.server.thread.FakeStreamingProvider.Call;
import dev.griddle.server.thread.FakeStreamingProvider.Pause;
import dev.griddle.server.thread.FakeStreamingProvider.Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chat-thread turns as traces, over real HTTP: answered by a fake streaming provider on loopback,
 * exported to an OTLP collector on loopback. A second provider on a closed loopback port makes a
 * model call fail.
 */
@TestPropertySource(properties = {"griddle.traces.job-interval=200ms", "griddle.traces.lag=300ms"})
class TurnTraceTest extends ApiTest {

    static final FakeStreamingProvider FAKE = new FakeStreamingProvider();
    static final String MODEL = "openai/trace-model";
    static final String BROKEN = "ollama/broken-model";
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** Bodies of the OTLP/HTTP exports received. */
    static final List<String> EXPORTS = new CopyOnWriteArrayList<>();
    static final HttpServer COLLECTOR = collector();

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
        registry.add("griddle.llm.models[0].input-usd-per-mtok", () -> "2");
        registry.add("griddle.llm.models[0].output-usd-per-mtok", () -> "10");
        registry.add("griddle.ollama.base-url", () -> "http://127.0.0.1:" + closedPort());
        registry.add("griddle.llm.models[1].id", () -> BROKEN);
        registry.add("otel.exporter.otlp.endpoint", () -> "http://127.0.0.1:" + COLLECTOR.getAddress().getPort());
    }

    private static HttpServer collector() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/v1/traces", exchange -> {
                EXPORTS.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

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

    /** An agent (named after {@code tag}, its instructions carrying it so the fake knows which script to play) with this model. */
    static UUID agent(GriddleClient c, String tag, String model) {
        return UUID.fromString(send(c, "POST", "/api/v1/agents", Map.of("name", "a-" + tag, "model", model, "instructions", "You help. " + tag))
                .path("id").asString());
    }

    static UUID thread(GriddleClient c, UUID agent) {
        return c.threads().create(agent, "chat").id();
    }

    /** The agent gets a custom tool {@code lookup} that calls this server's health endpoint. */
    void lookupTool(GriddleClient c, UUID agent) {
        String tool = send(c, "POST", "/api/v1/tools", Map.of("name", "lookup", "description", "Looks up",
                "parameters", Map.of("type", "object", "properties", Map.of("q", Map.of("type", "string"))),
                "http", Map.of("method", "GET", "url", baseUrl() + "/healthz"))).path("id").asString();
        send(c, "POST", "/api/v1/agents/" + agent + "/tools", Map.of("tool_id", tool));
    }

    static Map<String, Span> byId(TraceDetail trace) {
        return trace.spans().stream().collect(Collectors.toMap(Span::id, Function.identity()));
    }

    static long number(Span span, String attribute) {
        return ((Number) span.attributes().get(attribute)).longValue();
    }

    static List<UUID> ids(Page<Trace> page) {
        return page.data().stream().map(Trace::id).toList();
    }

    @Test
    void aKnowledgeSearchInATurnOverTheAgentsOwnAndConnectedDocumentsIsARetrievalSpanUnderItsToolCall() {
        Org org = org();
        String tag = "tag-" + UUID.randomUUID();
        FAKE.script(tag, List.of(new Call("knowledge_search", "{\"query\": \"return the corvina kettle\"}")), List.of(new Text("30 days.")));
        UUID agent = agent(org.client(), tag, MODEL);
        UUID document = org.client().knowledge().create(DocumentInput.text("Kettle manual", "A customer may return the corvina kettle within 30 days.",
                "agent", agent)).id();
        UUID policy = org.client().knowledge().create(DocumentInput.text("Returns policy", "Return the corvina kettle in its box.", "org", null)).id();
        org.client().knowledge().connect(Owner.agent(agent), List.of(ScopeRef.org()));
        for (UUID d : List.of(document, policy)) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> org.client().knowledge().get(d).status(), s -> s.equals("ready"));
        }
        ThreadMessage answer = org.client().threads().send(thread(org.client(), agent), "How long?", null);

        Map<String, Span> spans = byId(org.client().traces().get(answer.id()));
        Span retrieval = spans.get("retrieval-1");
        assertThat(retrieval.kind()).isEqualTo("retrieval");
        assertThat(retrieval.parentId()).isEqualTo("tool-1");
        assertThat(retrieval.name()).isEqualTo("knowledge_search");
        assertThat(retrieval.status()).isEqualTo("succeeded");
        assertThat(retrieval.durationMs()).isEqualTo(spans.get("tool-1").durationMs());
        assertThat(retrieval.attributes()).containsEntry("query", "return the corvina kettle").containsEntry("hit_count", 2);
        assertThat(retrieval.attributes().get("hits").toString()).contains(document.toString()).contains("Kettle manual").contains("position=0")
                .contains(policy.toString()).contains("score=");
    }

    @Test
    void aTurnWithAToolCallIsATraceOfItsModelCallsAndTheToolCallUnderTheModelCallThatAskedForIt() {
        Org org = org();
        String tag = "tag-" + UUID.randomUUID();
        FAKE.script(tag, List.of(new Call("lookup", "{\"q\": \"x\"}"), new Call("nowhere", "{}")), List.of(new Text("Found"), new Text(" it.")));
        UUID agent = agent(org.client(), tag, MODEL);
        lookupTool(org.client(), agent);
        UUID thread = thread(org.client(), agent);
        ThreadMessage answer = org.client().threads().send(thread, "Find x", null);

        TraceDetail trace = org.client().traces().get(answer.id());
        assertThat(trace.trace().id()).isEqualTo(answer.id());
        assertThat(trace.trace().type()).isEqualTo("turn");
        assertThat(trace.trace().threadId()).isEqualTo(thread);
        assertThat(trace.trace().agentId()).isEqualTo(agent);
        assertThat(trace.trace().runId()).isNull();
        assertThat(trace.trace().runnerVersion()).isNull();
        assertThat(trace.trace().status()).isEqualTo("succeeded");
        assertThat(trace.trace().durationMs()).isNotNull();
        assertThat(trace.trace().inputTokens()).isEqualTo(20);
        assertThat(trace.trace().outputTokens()).isEqualTo(10);
        // 20 input tokens at $2/M and 10 output tokens at $10/M
        assertThat(trace.trace().costUsd()).isEqualByComparingTo("0.00014");

        assertThat(trace.spans()).extracting(Span::id).containsExactly(answer.id().toString(), "llm-1", "tool-1", "tool-2", "llm-2");
        Map<String, Span> spans = byId(trace);
        Span root = trace.spans().getFirst();
        assertThat(root.parentId()).isNull();
        assertThat(root.kind()).isEqualTo("run");
        assertThat(root.name()).isEqualTo("invoke_agent a-" + tag);
        assertThat(root.status()).isEqualTo("succeeded");
        assertThat(root.attributes()).containsEntry("thread_id", thread.toString()).containsEntry("agent_id", agent.toString())
                .containsEntry("answer_status", "completed").containsEntry("model", MODEL).containsEntry("model_calls", 2);
        assertThat(number(root, "input_tokens")).isEqualTo(20);
        assertThat(new BigDecimal(root.attributes().get("cost_usd").toString())).isEqualByComparingTo("0.00014");

        Span first = spans.get("llm-1");
        Span second = spans.get("llm-2");
        for (Span call : List.of(first, second)) {
            assertThat(call.kind()).isEqualTo("llm");
            assertThat(call.parentId()).isEqualTo(root.id());
            assertThat(call.name()).isEqualTo("chat " + MODEL);
            assertThat(call.status()).isEqualTo("succeeded");
            assertThat(call.attributes()).containsEntry("model", MODEL).containsEntry("provider", "openai");
            assertThat(number(call, "input_tokens")).isEqualTo(10);
            assertThat(number(call, "output_tokens")).isEqualTo(5);
            assertThat(new BigDecimal(call.attributes().get("cost_usd").toString())).isEqualByComparingTo("0.00007");
            assertThat(call.durationMs()).isNotNull();
        }
        assertThat(first.attributes()).as("a reply without text has no first token").doesNotContainKey("first_token_ms");
        assertThat(number(second, "first_token_ms")).isBetween(0L, second.durationMs());

        Span lookup = spans.get("tool-1");
        assertThat(lookup.kind()).isEqualTo("tool");
        assertThat(lookup.parentId()).isEqualTo("llm-1");
        assertThat(lookup.name()).isEqualTo("execute_tool lookup");
        assertThat(lookup.status()).isEqualTo("succeeded");
        assertThat(lookup.attributes()).containsEntry("tool", "lookup").doesNotContainKey("error");
        Span missing = spans.get("tool-2");
        assertThat(missing.parentId()).isEqualTo("llm-1");
        assertThat(missing.status()).isEqualTo("failed");
        assertThat(missing.attributes().get("error").toString()).contains("no tool named 'nowhere'");

        assertThat(first.startedAt()).isAfterOrEqualTo(root.startedAt());
        assertThat(lookup.startedAt()).isAfterOrEqualTo(first.startedAt().plusMillis(first.durationMs()));
        assertThat(second.startedAt()).isAfterOrEqualTo(missing.startedAt());
        assertThat(root.startedAt().plusMillis(root.durationMs())).isAfterOrEqualTo(second.startedAt().plusMillis(second.durationMs()));
        assertThat(trace.evaluations()).isEmpty();
    }

    @Test
    void aStoppedTurnIsACancelledTraceWithItsCallsUpToTheStopAndALiveTurnIsRunning() throws Exception {
        Org org = org();
        String tag = "tag-" + UUID.randomUUID();
        List<FakeStreamingProvider.Step> slow = new ArrayList<>(List.of(new Text("Once upon"), new Pause(1500)));
        for (int i = 0; i < 20; i++) {
            slow.add(new Text(" more"));
            slow.add(new Pause(100));
        }
        FAKE.script(tag, List.of(new Call("lookup", "{\"q\": \"story\"}")), slow);
        UUID agent = agent(org.client(), tag, MODEL);
        lookupTool(org.client(), agent);
        UUID thread = thread(org.client(), agent);
        CountDownLatch firstDelta = new CountDownLatch(1);
        CompletableFuture<ThreadMessage> answer = CompletableFuture.supplyAsync(() -> org.client().threads().send(thread, "Tell a story", e -> {
            if (e.type().equals("message.delta")) {
                firstDelta.countDown();
            }
        }), Executors.newVirtualThreadPerTaskExecutor());
        assertThat(firstDelta.await(20, TimeUnit.SECONDS)).as("the second model call streams").isTrue();

        Trace live = org.client().traces().list("thread_id=" + thread, PageRequest.first()).data().getFirst();
        assertThat(live.status()).isEqualTo("running");
        assertThat(live.durationMs()).isNull();
        TraceDetail running = org.client().traces().get(live.id());
        assertThat(running.spans().getFirst().status()).isEqualTo("running");
        assertThat(running.spans().getFirst().durationMs()).isNull();
        assertThat(running.spans()).as("the first model call was stored when it ended").extracting(Span::id).contains("llm-1");
        assertThat(org.client().traces().list("thread_id=" + thread + "&status=running", PageRequest.first()).data()).hasSize(1);

        assertThat(org.client().threads().stop(thread)).isTrue();
        ThreadMessage stopped = answer.get(20, TimeUnit.SECONDS);
        assertThat(stopped.status()).isEqualTo("stopped");

        TraceDetail trace = org.client().traces().get(stopped.id());
        assertThat(trace.trace().status()).isEqualTo("cancelled");
        assertThat(trace.trace().durationMs()).isNotNull();
        assertThat(trace.spans().getFirst().attributes()).containsEntry("answer_status", "stopped");
        assertThat(trace.spans()).extracting(Span::id).containsExactly(stopped.id().toString(), "llm-1", "tool-1", "llm-2");
        Map<String, Span> spans = byId(trace);
        assertThat(spans.get("llm-1").status()).isEqualTo("succeeded");
        assertThat(spans.get("tool-1").parentId()).isEqualTo("llm-1");
        assertThat(spans.get("tool-1").status()).isEqualTo("succeeded");
        Span cut = spans.get("llm-2");
        assertThat(cut.status()).isEqualTo("cancelled");
        assertThat(cut.parentId()).isEqualTo(stopped.id().toString());
        assertThat(number(cut, "input_tokens")).as("a call cut short has no usage from the provider").isZero();
        assertThat(cut.attributes()).containsKey("first_token_ms");
        assertThat(trace.trace().inputTokens()).isEqualTo(10);
        assertThat(trace.trace().outputTokens()).isEqualTo(5);

        assertThat(ids(org.client().traces().list("thread_id=" + thread + "&status=cancelled", PageRequest.first()))).containsExactly(stopped.id());
        assertThat(org.client().traces().list("thread_id=" + thread + "&status=succeeded", PageRequest.first()).data()).isEmpty();
    }

    /** A node died mid-turn after storing its first model call (as the usage update does): the answer's trace keeps that call. */
    @Test
    void anInterruptedTurnKeepsTheCallsStoredBeforeItsNodeDied() {
        Org org = org();
        String tag = "tag-" + UUID.randomUUID();
        FAKE.script(tag, List.of(new Text("Fresh answer.")));
        UUID agent = agent(org.client(), tag, MODEL);
        UUID thread = thread(org.client(), agent);
        UUID dead = UUID.randomUUID();
        Instant start = Instant.now().minusSeconds(3600);
        jdbc.sql("update threads set turn_id = :turn, turn_node = 'dead-node', turn_heartbeat_at = :at where id = :thread")
                .param("turn", UUID.randomUUID()).param("at", Sql.ts(start)).param("thread", thread).update();
        jdbc.sql("""
                insert into thread_messages (id, org_id, thread_id, seq, role, content, status, model, model_calls, input_tokens, output_tokens,
                                             cost_usd, trace, created_at)
                select :id, org_id, id, 1, 'assistant', 'Half an ans', 'streaming', :model, 1, 10, 5, 0.00007, cast(:trace as jsonb), :at
                from threads where id = :thread
                """).param("id", dead).param("model", MODEL).param("at", Sql.ts(start)).param("thread", thread).param("trace", """
                [{"kind": "llm", "parent": null, "name": "%s", "started_at": "%s", "duration_ms": 120, "status": "succeeded", "error": null,
                  "input_tokens": 10, "output_tokens": 5, "cost_usd": 0.00007, "first_token_ms": 30, "plan_reminder": false}]
                """.formatted(MODEL, start.plusMillis(5))).update();

        assertThat(org.client().threads().send(thread, "Are you there?", null).content()).isEqualTo("Fresh answer.");
        TraceDetail trace = org.client().traces().get(dead);
        assertThat(trace.trace().status()).isEqualTo("failed");
        assertThat(trace.trace().durationMs()).as("ended when it was taken over").isNotNull();
        assertThat(trace.spans().getFirst().attributes()).containsEntry("answer_status", "interrupted");
        assertThat(trace.spans()).extracting(Span::id).containsExactly(dead.toString(), "llm-1");
        Span call = trace.spans().get(1);
        assertThat(call.startedAt()).isEqualTo(start.plusMillis(5));
        assertThat(call.durationMs()).isEqualTo(120);
        assertThat(number(call, "first_token_ms")).isEqualTo(30);
        assertThat(trace.trace().inputTokens()).isEqualTo(10);
        assertThat(ids(org.client().traces().list("thread_id=" + thread + "&status=failed", PageRequest.first()))).containsExactly(dead);
    }

    @Test
    void aFailedModelCallFailsTheTurnAndItsTraceSaysWhy() {
        Org org = org();
        UUID agent = agent(org.client(), "tag-" + UUID.randomUUID(), BROKEN);
        UUID thread = thread(org.client(), agent);
        for (String question : List.of("Hello?", "Hello again?")) {
            assertThatThrownBy(() -> org.client().threads().send(thread, question, null)).isInstanceOf(TurnFailedException.class)
                    .hasMessageContaining("the model call failed");
        }
        List<Trace> traces = org.client().traces().list("thread_id=" + thread, PageRequest.first()).data();
        assertThat(traces).hasSize(2).allSatisfy(t -> assertThat(t.status()).isEqualTo("failed"));
        TraceDetail trace = org.client().traces().get(traces.getFirst().id());
        Span root = trace.spans().getFirst();
        assertThat(root.attributes()).containsEntry("answer_status", "failed").containsEntry("error_code", "MODEL_ERROR");
        assertThat(root.attributes().get("error").toString()).startsWith("the model call failed");
        assertThat(trace.spans()).hasSize(2);
        Span call = trace.spans().get(1);
        assertThat(call.kind()).isEqualTo("llm");
        assertThat(call.name()).isEqualTo("chat " + BROKEN);
        assertThat(call.status()).isEqualTo("failed");
        assertThat(call.attributes()).containsEntry("provider", "ollama").containsEntry("error", root.attributes().get("error"));
        assertThat(ids(org.client().traces().list("agent_id=" + agent + "&status=failed", PageRequest.first()))).hasSize(2);
    }

    @Test
    void turnsAreListedNewestFirstByThreadAndAgentAndMergedWithRuns() {
        Org org = org();
        GriddleClient c = org.client();
        String tag = "tag-" + UUID.randomUUID();
        FAKE.script(tag, List.of(new Text("one")), List.of(new Text("two")), List.of(new Text("three")));
        UUID agent = agent(c, tag, MODEL);
        UUID thread = thread(c, agent);
        UUID otherThread = thread(c, agent);
        String otherTag = "tag-" + UUID.randomUUID();
        FAKE.script(otherTag, List.of(new Text("elsewhere")));
        UUID otherAgent = agent(c, otherTag, MODEL);
        UUID otherAgentsThread = thread(c, otherAgent);
        var runner = RunnerFixtures.runner(c, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        UUID run = RunnerFixtures.runToEnd(c, runner.id(), null).id();
        UUID first = c.threads().send(thread, "1", null).id();
        UUID second = c.threads().send(thread, "2", null).id();
        UUID third = c.threads().send(otherThread, "3", null).id();
        UUID fourth = c.threads().send(otherAgentsThread, "4", null).id();

        Page<Trace> ofThread = c.traces().list("thread_id=" + thread, PageRequest.first());
        assertThat(ids(ofThread)).containsExactly(second, first);
        assertThat(ofThread.meta().total()).isEqualTo(2);
        assertThat(ofThread.data()).allSatisfy(t -> {
            assertThat(t.type()).isEqualTo("turn");
            assertThat(t.threadId()).isEqualTo(thread);
            assertThat(t.status()).isEqualTo("succeeded");
            assertThat(t.inputTokens()).isEqualTo(10);
        });
        Page<Trace> secondPage = c.traces().list("thread_id=" + thread, new PageRequest(2, 1));
        assertThat(ids(secondPage)).containsExactly(first);
        assertThat(secondPage.meta().total()).isEqualTo(2);
        assertThat(ids(c.traces().list("agent_id=" + agent, PageRequest.first()))).containsExactly(third, second, first);
        assertThat(ids(c.traces().list("agent_id=" + otherAgent, PageRequest.first()))).containsExactly(fourth);
        assertThat(ids(c.traces().list("thread_id=" + thread + "&status=succeeded", PageRequest.first()))).containsExactly(second, first);
        assertThat(c.traces().list("thread_id=" + thread + "&status=queued", PageRequest.first()).data()).isEmpty();
        assertThat(c.traces().list("thread_id=" + thread + "&runner_id=" + runner.id(), PageRequest.first()).data()).isEmpty();
        assertThat(c.traces().list("thread_id=" + UUID.randomUUID(), PageRequest.first()).data()).isEmpty();

        Page<Trace> all = c.traces().list(null, PageRequest.first());
        assertThat(ids(all)).containsExactly(fourth, third, second, first, run);
        assertThat(all.meta().total()).isEqualTo(5);
        assertThat(all.data().getLast().type()).isEqualTo("run");
        assertThat(all.data().getLast().runnerVersion()).isEqualTo(1);
        assertThat(ids(c.traces().list(null, new PageRequest(2, 2)))).containsExactly(second, first);
        assertThat(ids(c.traces().list(null, new PageRequest(3, 2)))).containsExactly(run);
        assertThat(ids(c.traces().list("runner_id=" + runner.id(), PageRequest.first()))).containsExactly(run);
        assertThat(ids(c.traces().list("run_id=" + run, PageRequest.first()))).containsExactly(run);

        expectError(422, "VALIDATION_FAILED", () -> c.traces().list("thread_id=nope", PageRequest.first()));
        expectError(422, "VALIDATION_FAILED", () -> c.traces().list("thread_id=" + thread + "&status=completed", PageRequest.first()));
    }

    @Test
    void aTurnTraceTakesEvaluationsAndAnotherOrganizationSeesNothingOfIt() {
        Org org = org();
        String tag = "tag-" + UUID.randomUUID();
        FAKE.script(tag, List.of(new Text("Fine.")));
        UUID agent = agent(org.client(), tag, MODEL);
        UUID thread = thread(org.client(), agent);
        ThreadMessage answer = org.client().threads().send(thread, "How are you?", null);

        Evaluation e = org.client().traces().evaluate(answer.id(), new CreateEvaluation("helpfulness", 0.9, "polite"));
        assertThat(e.traceId()).isEqualTo(answer.id());
        assertThat(org.client().traces().get(answer.id()).evaluations()).extracting(Evaluation::id).containsExactly(e.id());
        var created = org.client().raw("POST", "/api/v1/traces/" + answer.id() + "/evaluations", "{\"name\": \"tone\", \"score\": 1}", Map.of());
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/api/v1/traces/" + answer.id() + "/evaluations/"));
        var invalid = expectError(422, "VALIDATION_FAILED", () -> org.client().send("POST", "/api/v1/traces/" + answer.id() + "/evaluations",
                "{\"name\": \"x\", \"score\": \"high\"}", Map.of()));
        assertThat(invalid.getMessage()).contains("score");
        assertThat(org.client().traces().get(answer.id()).evaluations()).hasSize(2);

        UUID question = org.client().threads().messages(thread, PageRequest.first()).data().getFirst().id();
        expectError(404, "NOT_FOUND", () -> org.client().traces().get(question));
        expectError(404, "NOT_FOUND", () -> org.client().traces().evaluate(question, new CreateEvaluation("x", 1.0, null)));

        GriddleClient other = org().client();
        expectError(404, "NOT_FOUND", () -> other.traces().get(answer.id()));
        expectError(404, "NOT_FOUND", () -> other.traces().evaluate(answer.id(), new CreateEvaluation("x", 1.0, null)));
        assertThat(other.traces().list("thread_id=" + thread, PageRequest.first()).data()).isEmpty();
        assertThat(other.traces().list("agent_id=" + agent, PageRequest.first()).data()).isEmpty();
        assertThat(other.traces().list(null, PageRequest.first()).data()).isEmpty();
        assertThat(org.client().traces().get(answer.id()).evaluations()).as("nothing written by the refused calls").hasSize(2);
    }

    @Test
    void finishedTurnsAreExportedOverOtlpWithGenAiAttributes() {
        Org org = org();
        String tag = "tag-" + UUID.randomUUID();
        FAKE.script(tag, List.of(new Call("lookup", "{\"q\": \"x\"}")), List.of(new Text("Done.")));
        UUID agent = agent(org.client(), tag, MODEL);
        lookupTool(org.client(), agent);
        UUID thread = thread(org.client(), agent);
        ThreadMessage answer = org.client().threads().send(thread, "Go", null);
        String traceId = answer.id().toString().replace("-", "");

        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> spans(traceId).size() == 4);
        List<JsonNode> spans = spans(traceId);
        Map<String, JsonNode> byName = spans.stream().collect(Collectors.toMap(s -> s.path("name").asString(), s -> s, (a, b) -> a));
        JsonNode root = byName.get("invoke_agent a-" + tag);
        assertThat(root.has("parentSpanId")).isFalse();
        assertThat(attributes(root)).containsEntry("gen_ai.operation.name", "invoke_agent").containsEntry("gen_ai.conversation.id", thread.toString())
                .containsEntry("gen_ai.agent.id", agent.toString()).containsEntry("gen_ai.agent.name", "a-" + tag)
                .containsEntry("griddle.message.id", answer.id().toString()).containsEntry("gen_ai.usage.input_tokens", "20");
        List<JsonNode> chats = spans.stream().filter(s -> s.path("name").asString().equals("chat " + MODEL)).toList();
        assertThat(chats).hasSize(2).allSatisfy(chat -> {
            assertThat(chat.path("parentSpanId").asString()).isEqualTo(root.path("spanId").asString());
            assertThat(attributes(chat)).containsEntry("gen_ai.request.model", MODEL).containsEntry("gen_ai.usage.output_tokens", "5");
        });
        JsonNode tool = byName.get("execute_tool lookup");
        assertThat(attributes(tool)).containsEntry("gen_ai.tool.name", "lookup");
        assertThat(chats.stream().map(s -> s.path("spanId").asString())).contains(tool.path("parentSpanId").asString());
    }

    /** Every span of one trace the collector received. */
    private static List<JsonNode> spans(String traceId) {
        Map<String, JsonNode> found = new HashMap<>();
        for (String export : EXPORTS) {
            for (JsonNode rs : JSON.readTree(export).path("resourceSpans")) {
                for (JsonNode ss : rs.path("scopeSpans")) {
                    for (JsonNode span : ss.path("spans")) {
                        if (span.path("traceId").asString().equals(traceId)) {
                            found.put(span.path("spanId").asString(), span);
                        }
                    }
                }
            }
        }
        return List.copyOf(found.values());
    }

    private static Map<String, String> attributes(JsonNode span) {
        Map<String, String> map = new HashMap<>();
        for (JsonNode a : span.path("attributes")) {
            JsonNode v = a.path("value");
            map.put(a.path("key").asString(), v.has("stringValue") ? v.get("stringValue").asString()
                    : v.has("intValue") ? v.get("intValue").asString() : v.toString());
        }
        return map;
    }
}

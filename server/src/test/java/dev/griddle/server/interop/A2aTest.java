package dev.griddle.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.AgentModels.AgentInput;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.server.ApiTest;
import dev.griddle.server.thread.FakeStreamingProvider;
import dev.griddle.server.thread.FakeStreamingProvider.Pause;
import dev.griddle.server.thread.FakeStreamingProvider.Text;
import io.a2a.A2A;
import io.a2a.client.http.A2ACardResolver;
import io.a2a.client.http.A2AHttpClient;
import io.a2a.client.http.JdkA2AHttpClient;
import io.a2a.client.transport.jsonrpc.JSONRPCTransport;
import io.a2a.spec.A2AClientException;
import io.a2a.spec.AgentCard;
import io.a2a.spec.EventKind;
import io.a2a.spec.HTTPAuthSecurityScheme;
import io.a2a.spec.Message;
import io.a2a.spec.MessageSendConfiguration;
import io.a2a.spec.MessageSendParams;
import io.a2a.spec.StreamingEventKind;
import io.a2a.spec.Task;
import io.a2a.spec.TaskArtifactUpdateEvent;
import io.a2a.spec.TaskIdParams;
import io.a2a.spec.TaskQueryParams;
import io.a2a.spec.TaskState;
import io.a2a.spec.TaskStatusUpdateEvent;
import io.a2a.spec.TextPart;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Agents as A2A agents over real HTTP with the A2A SDK's own client: card, send, stream, get, cancel, roles and tenancy. */
class A2aTest extends ApiTest {

    static final FakeStreamingProvider FAKE = new FakeStreamingProvider();
    static final String MODEL = "openai/a2a-model";

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
    }

    /** The SDK's JDK HTTP client with the key on every request. */
    record Keyed(A2AHttpClient http, String key) implements A2AHttpClient {
        Keyed(String key) {
            this(new JdkA2AHttpClient(), key);
        }

        @Override
        public GetBuilder createGet() {
            return http.createGet().addHeader("Authorization", "Bearer " + key);
        }

        @Override
        public PostBuilder createPost() {
            return http.createPost().addHeader("Authorization", "Bearer " + key);
        }

        @Override
        public DeleteBuilder createDelete() {
            return http.createDelete().addHeader("Authorization", "Bearer " + key);
        }
    }

    String agentUrl(UUID agent) {
        return baseUrl() + "/a2a/" + agent;
    }

    AgentCard card(String key, UUID agent) throws Exception {
        return new A2ACardResolver(new Keyed(key), agentUrl(agent) + "/", ".well-known/agent-card.json", Map.of()).getAgentCard();
    }

    JSONRPCTransport client(String key, UUID agent) throws Exception {
        return new JSONRPCTransport(new Keyed(key), card(key, agent), agentUrl(agent), List.of());
    }

    static MessageSendParams message(String text, String contextId) {
        Message m = A2A.toUserMessage(text);
        if (contextId != null) {
            m.setContextId(contextId);
        }
        return new MessageSendParams(m, null, null);
    }

    static String text(Message m) {
        return ((TextPart) m.getParts().getFirst()).getText();
    }

    UUID agent(GriddleClient admin, String name) {
        return admin.agents().create(new AgentInput(name, "Knows things", MODEL, "Be brief", null, null)).id();
    }

    String key(GriddleClient admin, String role) {
        return admin.keys().create(new CreateKey("a2a " + role, role, null, null)).secret();
    }

    @Test
    void theCardDescribesTheAgentItsInterfaceAndTheBearerKey() throws Exception {
        GriddleClient admin = newOrg();
        UUID agent = agent(admin, "oracle");
        AgentCard card = card(key(admin, "viewer"), agent);
        assertThat(card.name()).isEqualTo("oracle");
        assertThat(card.description()).isEqualTo("Knows things");
        assertThat(card.url()).isEqualTo(agentUrl(agent));
        assertThat(card.protocolVersion()).isEqualTo("0.3.0");
        assertThat(card.preferredTransport()).isEqualTo("JSONRPC");
        assertThat(card.capabilities().streaming()).isTrue();
        assertThat(card.skills()).singleElement().satisfies(s -> assertThat(s.name()).isEqualTo("Ask oracle"));
        assertThat(card.securitySchemes().values()).singleElement().isInstanceOfSatisfying(HTTPAuthSecurityScheme.class,
                s -> assertThat(s.getScheme()).isEqualTo("bearer"));
        assertThat(card.security()).singleElement().satisfies(s -> assertThat(s).containsKey("griddle_key"));
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(agentUrl(agent)
                + "/.well-known/agent-card.json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void sendIsAnsweredByAThreadTurnAndTheContextGoesOnInTheSameThread() throws Exception {
        GriddleClient admin = newOrg();
        UUID agent = agent(admin, "oracle");
        FAKE.script("a2a-conversation", List.of(new Text("Forty"), new Text("-two.")), List.of(new Text("Still 42.")));
        JSONRPCTransport client = client(key(admin, "contributor"), agent);
        EventKind first = client.sendMessage(message("a2a-conversation 1", null), null);
        assertThat(first).isInstanceOf(Task.class);
        Task task = (Task) first;
        assertThat(task.getStatus().state()).isEqualTo(TaskState.COMPLETED);
        assertThat(text(task.getStatus().message())).isEqualTo("Forty-two.");
        assertThat(((TextPart) task.getArtifacts().getFirst().parts().getFirst()).getText()).isEqualTo("Forty-two.");

        Task second = (Task) client.sendMessage(message("a2a-conversation 2", task.getContextId()), null);
        assertThat(second.getContextId()).isEqualTo(task.getContextId());
        assertThat(text(second.getStatus().message())).isEqualTo("Still 42.");
        assertThat(admin.threads().messages(UUID.fromString(task.getContextId()), PageRequest.first()).data()).extracting(m -> m.content())
                .containsExactly("a2a-conversation 1", "Forty-two.", "a2a-conversation 2", "Still 42.");

        Task got = client.getTask(new TaskQueryParams(task.getId()), null);
        assertThat(got.getStatus().state()).isEqualTo(TaskState.COMPLETED);
        assertThat(got.getHistory()).extracting(A2aTest::text).containsExactly("a2a-conversation 1", "Forty-two.");
        assertThatThrownBy(() -> client.getTask(new TaskQueryParams(UUID.randomUUID().toString()), null)).isInstanceOf(A2AClientException.class);
        assertThatThrownBy(() -> client.sendMessage(message("a2a-conversation 3", UUID.randomUUID().toString()), null))
                .isInstanceOf(A2AClientException.class);
    }

    @Test
    void streamSendsTheTaskEachPieceAndTheFinalStatus() throws Exception {
        GriddleClient admin = newOrg();
        UUID agent = agent(admin, "oracle");
        FAKE.script("a2a-stream", List.of(new Text("One, "), new Pause(100), new Text("two, "), new Pause(100), new Text("three.")));
        JSONRPCTransport client = client(key(admin, "admin"), agent);
        List<StreamingEventKind> events = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        client.sendMessageStreaming(message("a2a-stream please", null), event -> {
            events.add(event);
            if (event instanceof TaskStatusUpdateEvent u && u.isFinal()) {
                done.countDown();
            }
        }, error -> done.countDown(), null);
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(events.getFirst()).isInstanceOf(Task.class);
        String pieces = events.stream().filter(e -> e instanceof TaskArtifactUpdateEvent).map(e -> ((TextPart) ((TaskArtifactUpdateEvent) e)
                .getArtifact().parts().getFirst()).getText()).reduce("", String::concat);
        assertThat(pieces).isEqualTo("One, two, three.");
        assertThat(events.stream().filter(e -> e instanceof TaskArtifactUpdateEvent).count()).isGreaterThanOrEqualTo(3);
        TaskStatusUpdateEvent last = (TaskStatusUpdateEvent) events.getLast();
        assertThat(last.getStatus().state()).isEqualTo(TaskState.COMPLETED);
        assertThat(text(last.getStatus().message())).isEqualTo("One, two, three.");
    }

    @Test
    void cancelStopsTheTurnAndKeepsWhatWasWritten() throws Exception {
        GriddleClient admin = newOrg();
        UUID agent = agent(admin, "oracle");
        FAKE.script("a2a-slow", List.of(new Text("Thinking"), new Pause(30_000), new Text(" never")));
        JSONRPCTransport client = client(key(admin, "contributor"), agent);
        Message m = A2A.toUserMessage("a2a-slow question");
        Task submitted = (Task) client.sendMessage(new MessageSendParams(m, new MessageSendConfiguration(null, null, null, false),
                null), null);
        assertThat(submitted.getStatus().state()).isIn(TaskState.SUBMITTED, TaskState.WORKING);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.getTask(new TaskQueryParams(submitted.getId()), null).getStatus().state() == TaskState.WORKING);
        Task cancelled = client.cancelTask(new TaskIdParams(submitted.getId()), null);
        assertThat(cancelled.getStatus().state()).isEqualTo(TaskState.CANCELED);
        assertThat(client.getTask(new TaskQueryParams(submitted.getId()), null).getStatus().state()).isEqualTo(TaskState.CANCELED);
        assertThatThrownBy(() -> client.cancelTask(new TaskIdParams(submitted.getId()), null)).isInstanceOf(A2AClientException.class);
    }

    @Test
    void aViewerReadsTheCardAndTasksButMayNotSendOrCancel() throws Exception {
        GriddleClient admin = newOrg();
        UUID agent = agent(admin, "oracle");
        FAKE.script("a2a-viewer", List.of(new Text("ok")));
        Task task = (Task) client(key(admin, "admin"), agent).sendMessage(message("a2a-viewer hi", null), null);
        JSONRPCTransport viewer = client(key(admin, "viewer"), agent);
        assertThat(viewer.getTask(new TaskQueryParams(task.getId()), null).getStatus().state()).isEqualTo(TaskState.COMPLETED);
        assertThatThrownBy(() -> viewer.sendMessage(message("a2a-viewer again", task.getContextId()), null)).isInstanceOf(A2AClientException.class)
                .hasMessageContaining("viewer");
        assertThatThrownBy(() -> viewer.cancelTask(new TaskIdParams(task.getId()), null)).isInstanceOf(A2AClientException.class)
                .hasMessageContaining("viewer");
        assertThat(admin.threads().messages(UUID.fromString(task.getContextId()), PageRequest.first()).data()).hasSize(2);
    }

    @Test
    void anotherOrganizationGetsA404AndChangesNothing() throws Exception {
        GriddleClient a = newOrg();
        UUID agent = agent(a, "oracle");
        FAKE.script("a2a-tenant", List.of(new Text("mine")));
        Task task = (Task) client(key(a, "admin"), agent).sendMessage(message("a2a-tenant hi", null), null);
        String other = key(newOrg(), "admin");
        assertThatThrownBy(() -> card(other, agent)).hasMessageContaining("404");
        JSONRPCTransport outsider = new JSONRPCTransport(new Keyed(other), card(key(a, "viewer"), agent), agentUrl(agent), List.of());
        assertThatThrownBy(() -> outsider.sendMessage(message("a2a-tenant forged", task.getContextId()), null)).isInstanceOf(A2AClientException.class);
        assertThatThrownBy(() -> outsider.getTask(new TaskQueryParams(task.getId()), null)).isInstanceOf(A2AClientException.class);
        assertThatThrownBy(() -> outsider.cancelTask(new TaskIdParams(task.getId()), null)).isInstanceOf(A2AClientException.class);
        assertThat(a.threads().messages(UUID.fromString(task.getContextId()), PageRequest.first()).data()).hasSize(2);
    }
}

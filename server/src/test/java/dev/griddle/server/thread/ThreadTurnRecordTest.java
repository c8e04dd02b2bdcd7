package dev.griddle.server.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.AgentModels.ThreadMessage;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.thread.FakeStreamingProvider.Text;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The turn record on the thread row as another node would leave it, written here with SQL: a live
 * turn of another node makes a message a 409 and a stop a NOTIFY; a dead one (stale heartbeat) is
 * taken over by whichever comes first — the next message's claim, a stop, or the sweeper that runs
 * on every heartbeat — and its answer is marked interrupted.
 */
class ThreadTurnRecordTest extends ApiTest {

    static final FakeStreamingProvider FAKE = new FakeStreamingProvider();
    static final String MODEL = "openai/record-model";

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        // other test contexts on this database stamp their turns every 2 s: a timeout well above it keeps this one's sweeper off them
        registry.add("griddle.threads.heartbeat-interval", () -> "500ms");
        registry.add("griddle.threads.heartbeat-timeout", () -> "5s");
    }

    private record Chat(GriddleClient client, UUID thread, String tag) {
    }

    private Chat chat() {
        GriddleClient c = newOrg();
        String tag = "tag-" + UUID.randomUUID();
        String agent = json(c.send("POST", "/api/v1/agents", Map.of("name", "r", "model", MODEL, "instructions", "Help. " + tag), Map.of()))
                .path("id").asString();
        UUID thread = UUID.fromString(json(c.send("POST", "/api/v1/threads", Map.of("agent_id", agent), Map.of())).path("id").asString());
        FAKE.script(tag, List.of(new Text("Fresh answer.")));
        return new Chat(c, thread, tag);
    }

    /** What another node leaves while it plays a turn: the claim (none when {@code heartbeatAt} is null), the question, the streaming answer. */
    private static void otherNodePlays(UUID thread, String heartbeatAt) throws Exception {
        try (Connection db = DriverManager.getConnection(TestDatabase.url())) {
            // one transaction: a sweep between the claim and the answer's insert would free the thread
            // and leave an answer streaming that no turn owns (the once-seen flake of the dead-turn tests)
            db.setAutoCommit(false);
            if (heartbeatAt != null) {
                try (PreparedStatement s = db.prepareStatement("update threads set turn_id = ?, turn_node = 'other-node', turn_heartbeat_at = "
                        + heartbeatAt + " where id = ?")) {
                    s.setObject(1, UUID.randomUUID());
                    s.setObject(2, thread);
                    s.executeUpdate();
                }
            }
            for (String[] m : List.of(new String[] {"user", "Question?", "completed"}, new String[] {"assistant", "Half an ans", "streaming"})) {
                try (PreparedStatement s = db.prepareStatement("""
                        insert into thread_messages (id, org_id, thread_id, seq, role, content, status, created_at)
                        select ?, org_id, id, (select coalesce(max(seq), 0) + 1 from thread_messages where thread_id = ?), ?, ?, ?, now()
                        from threads where id = ?""")) {
                    s.setObject(1, UUID.randomUUID());
                    s.setObject(2, thread);
                    s.setString(3, m[0]);
                    s.setString(4, m[1]);
                    s.setString(5, m[2]);
                    s.setObject(6, thread);
                    s.executeUpdate();
                }
            }
            db.commit();
        }
    }

    private static List<ThreadMessage> messages(Chat chat) {
        return chat.client().threads().messages(chat.thread(), PageRequest.first()).data();
    }

    @Test
    void aLiveTurnOfAnotherNodeRefusesMessagesAndIsStoppedByNotify() throws Exception {
        Chat chat = chat();
        otherNodePlays(chat.thread(), "now() + interval '1 hour'");
        RawResponse busy = chat.client().raw("POST", "/api/v1/threads/" + chat.thread() + "/messages", "{\"content\": \"hello\"}", Map.of());
        assertEnvelope(busy, 409, "CONFLICT");
        assertThat(json(busy).path("error").path("message").asString()).contains(chat.thread().toString()).contains("/stop");
        assertThat(chat.client().threads().stop(chat.thread())).as("sent to the owning node").isTrue();
        assertThat(messages(chat)).hasSize(2);
        assertThat(messages(chat).getLast().status()).as("the owner marks it, not this node").isEqualTo("streaming");
    }

    @Test
    void aDeadTurnDoesNotBlockTheNextMessage() throws Exception {
        Chat chat = chat();
        otherNodePlays(chat.thread(), "now() - interval '1 hour'");
        ThreadMessage answer = chat.client().threads().send(chat.thread(), "Are you there?", null);
        assertThat(answer.content()).isEqualTo("Fresh answer.");
        List<ThreadMessage> all = messages(chat);
        assertThat(all).extracting(ThreadMessage::status).containsExactly("completed", "interrupted", "completed", "completed");
        assertThat(all.get(1).content()).isEqualTo("Half an ans");
        assertThat(FAKE.servedFor(chat.tag()).getLast().body().path("messages").toString()).as("an interrupted answer is not history")
                .doesNotContain("Half an ans").contains("Question?");
    }

    /** No turn record, so the sweeper leaves it alone: only the next message's claim can mark it. */
    @Test
    void anAnswerLeftStreamingWithoutATurnIsMarkedByTheNextClaim() throws Exception {
        Chat chat = chat();
        otherNodePlays(chat.thread(), null);
        assertThat(chat.client().threads().stop(chat.thread())).isFalse();
        assertThat(messages(chat).getLast().status()).isEqualTo("streaming");
        assertThat(chat.client().threads().send(chat.thread(), "Hello?", null).content()).isEqualTo("Fresh answer.");
        assertThat(messages(chat)).extracting(ThreadMessage::status).containsExactly("completed", "interrupted", "completed", "completed");
    }

    @Test
    void aStopOnADeadTurnFindsNothingRunningAndMarksItInterrupted() throws Exception {
        Chat chat = chat();
        otherNodePlays(chat.thread(), "now() - interval '1 hour'");
        assertThat(chat.client().threads().stop(chat.thread())).as("nothing was running").isFalse();
        assertThat(messages(chat).getLast().status()).isEqualTo("interrupted");
        assertThat(chat.client().threads().stop(chat.thread())).isFalse();
    }

    @Test
    void theSweeperTakesOverATurnWhoseHeartbeatStopped() throws Exception {
        Chat chat = chat();
        otherNodePlays(chat.thread(), "now()");
        assertThat(messages(chat).getLast().status()).isEqualTo("streaming");
        await().atMost(Duration.ofSeconds(15)).until(() -> messages(chat).getLast().status().equals("interrupted"));
        assertThat(messages(chat).getLast().content()).isEqualTo("Half an ans");
        assertThat(chat.client().threads().send(chat.thread(), "Again", null).status()).isEqualTo("completed");
    }

    @Test
    void badHeartbeatSettingsStopStartUpNamingTheProperty() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new ThreadsProperties(null, Duration.ofSeconds(2), Duration.ofSeconds(3))))
                .hasMessageContaining("griddle.threads.heartbeat-timeout").hasMessageContaining("2S");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new ThreadsProperties(null, Duration.ofMillis(10), Duration.ofSeconds(3))))
                .hasMessageContaining("griddle.threads.heartbeat-interval");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new ThreadsProperties(" ", Duration.ofSeconds(1), Duration.ofSeconds(3))))
                .hasMessageContaining("griddle.threads.node-id");
    }
}

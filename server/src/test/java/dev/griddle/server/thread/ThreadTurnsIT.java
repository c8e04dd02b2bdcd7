package dev.griddle.server.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.AgentModels.ChatEvent;
import dev.griddle.sdk.AgentModels.ThreadMessage;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.process.ServerProcess;
import dev.griddle.server.thread.FakeStreamingProvider.Pause;
import dev.griddle.server.thread.FakeStreamingProvider.Text;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Thread turns across server processes on one database, answered by a slow fake provider in this
 * JVM: a second message on the other node is a 409, a stop sent to the other node stops the turn,
 * a SIGKILLed node's turn is taken over by the other node once it stops heartbeating, and a node
 * restarted after a SIGKILL cleans up its own turn at start-up.
 */
class ThreadTurnsIT {

    private static final String KEY = "grd_live_ThreadTurnsItKey0000000000000000";
    private static final String MODEL = "openai/turns-model";
    private static final FakeStreamingProvider FAKE = new FakeStreamingProvider();

    private static Map<String, String> env(String database, Path dataDir, int port, String heartbeatTimeout) {
        Map<String, String> env = new HashMap<>();
        env.put("GRIDDLE_DATABASE_URL", database);
        env.put("GRIDDLE_DATA_DIR", dataDir.toString());
        env.put("GRIDDLE_BOOTSTRAP_ADMIN_KEY", KEY);
        env.put("GRIDDLE_MASTER_KEY", "thread-turns-it-master-key");
        env.put("GRIDDLE_OUTBOUND_ALLOW", "127.0.0.1");
        env.put("GRIDDLE_OPENAI_BASE_URL", FAKE.baseUrl());
        env.put("GRIDDLE_OPENAI_API_KEY", "sk-test");
        env.put("GRIDDLE_LLM_MODELS_0_ID", MODEL);
        env.put("GRIDDLE_THREADS_HEARTBEAT_INTERVAL", "300ms");
        env.put("GRIDDLE_THREADS_HEARTBEAT_TIMEOUT", heartbeatTimeout);
        env.put("SERVER_PORT", Integer.toString(port));
        return env;
    }

    /** A slow answer: a first chunk, then one chunk every 200 ms for about a minute. */
    private static List<FakeStreamingProvider.Step> slow() {
        List<FakeStreamingProvider.Step> steps = new ArrayList<>(List.of(new Text("First words.")));
        for (int i = 0; i < 300; i++) {
            steps.add(new Pause(200));
            steps.add(new Text(" more"));
        }
        return steps;
    }

    /** An agent whose instructions carry a fresh tag (the fake's script key) and a thread with it. */
    private static UUID thread(GriddleClient c, String tag) {
        String agent = json(c.send("POST", "/api/v1/agents", Map.of("name", "a-" + tag, "model", MODEL, "instructions", "Help. " + tag), Map.of()))
                .path("id").asString();
        return UUID.fromString(json(c.send("POST", "/api/v1/threads", Map.of("agent_id", agent), Map.of())).path("id").asString());
    }

    private static JsonNode json(RawResponse r) {
        assertThat(r.status()).as(r.body()).isLessThan(300);
        return FakeStreamingProvider.JSON.readTree(r.body());
    }

    /** Sends a message on its own thread; events go to the queue, the stored answer (or the failure) ends it. */
    private static BlockingQueue<Object> sendAsync(GriddleClient c, UUID thread, String content) {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try {
                ThreadMessage answer = c.threads().send(thread, content, events::add);
                events.add(answer == null ? "ended without an answer" : answer);
            } catch (RuntimeException e) {
                events.add(e);
            }
        });
        return events;
    }

    private static ChatEvent firstDelta(BlockingQueue<Object> events) throws InterruptedException {
        Object first = events.poll(30, TimeUnit.SECONDS);
        assertThat(first).as("the first event").isInstanceOf(ChatEvent.class);
        assertThat(((ChatEvent) first).type()).isEqualTo("message.delta");
        return (ChatEvent) first;
    }

    private static ThreadMessage answer(BlockingQueue<Object> events) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Object e = events.poll(1, TimeUnit.SECONDS);
            if (e instanceof ThreadMessage m) {
                return m;
            }
            if (e instanceof RuntimeException failure) {
                throw failure;
            }
            if (e instanceof String s) {
                throw new AssertionError(s);
            }
        }
        throw new AssertionError("no answer within 30 s");
    }

    private static ThreadMessage lastMessage(GriddleClient c, UUID thread) {
        List<ThreadMessage> all = c.threads().messages(thread, PageRequest.first()).data();
        return all.getLast();
    }

    @Test
    void turnsHoldAcrossNodesAndSurviveCrashes() throws Exception {
        String database = TestDatabase.another();
        Path dataDir = Files.createTempDirectory("thread-turns");
        int portA = ServerProcess.freePort();
        int portB = ServerProcess.freePort();
        // A never takes over other nodes' turns in this test (long timeout), so only its start-up can clean up its own
        try (ServerProcess a = ServerProcess.start("turns-a", env(database, dataDir.resolve("a"), portA, "10m"));
                ServerProcess b = ServerProcess.start("turns-b", env(database, dataDir.resolve("b"), portB, "3s"))) {
            a.awaitHealthy(Duration.ofSeconds(120));
            b.awaitHealthy(Duration.ofSeconds(120));
            GriddleClient onA = GriddleClient.builder(a.baseUrl()).apiKey(KEY).build();
            GriddleClient onB = GriddleClient.builder(b.baseUrl()).apiKey(KEY).build();

            // a turn on A: a message sent to B is a 409; a stop sent to B stops it on A
            String tag1 = "tag-" + UUID.randomUUID();
            FAKE.script(tag1, slow());
            UUID t1 = thread(onA, tag1);
            BlockingQueue<Object> first = sendAsync(onA, t1, "Tell a long story");
            firstDelta(first);
            RawResponse busy = onB.raw("POST", "/api/v1/threads/" + t1 + "/messages", "{\"content\": \"and another\"}", Map.of());
            assertThat(busy.status()).as(busy.body()).isEqualTo(409);
            assertThat(busy.body()).contains("CONFLICT");
            long t0 = System.nanoTime();
            assertThat(onB.threads().stop(t1)).isTrue();
            ThreadMessage stopped = answer(first);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms from the stop on B to the end of A's stream").isLessThan(3000);
            assertThat(stopped.status()).isEqualTo("stopped");
            assertThat(stopped.content()).startsWith("First words.");
            FAKE.script(tag1, List.of(new Text("Short one.")));
            assertThat(onB.threads().send(t1, "Shorter please", null).content()).as("the thread takes messages on B again").isEqualTo("Short one.");

            // A dies mid-answer: B takes the turn over once A's heartbeat is older than 3 s
            String tag2 = "tag-" + UUID.randomUUID();
            FAKE.script(tag2, slow());
            UUID t2 = thread(onA, tag2);
            BlockingQueue<Object> second = sendAsync(onA, t2, "Another long story");
            firstDelta(second);
            Thread.sleep(1000); // a few heartbeats: the partial text is saved
            a.sigkill();
            assertThat(lastMessage(onB, t2).status()).isEqualTo("streaming");
            await().atMost(Duration.ofSeconds(20)).until(() -> !lastMessage(onB, t2).status().equals("streaming"));
            ThreadMessage interrupted = lastMessage(onB, t2);
            assertThat(interrupted.status()).isEqualTo("interrupted");
            assertThat(interrupted.content()).as("the text saved by the heartbeat").startsWith("First words.");
            FAKE.script(tag2, List.of(new Text("Back again.")));
            assertThat(onB.threads().send(t2, "Still there?", null).content()).isEqualTo("Back again.");

            // A restarted on its port (same node id) after a SIGKILL marks its own turn interrupted at start-up
            b.stop();
            String tag3 = "tag-" + UUID.randomUUID();
            FAKE.script(tag3, slow());
            UUID t3;
            try (ServerProcess a2 = ServerProcess.start("turns-a", env(database, dataDir.resolve("a"), portA, "10m"))) {
                a2.awaitHealthy(Duration.ofSeconds(120));
                GriddleClient c2 = GriddleClient.builder(a2.baseUrl()).apiKey(KEY).build();
                t3 = thread(c2, tag3);
                BlockingQueue<Object> third = sendAsync(c2, t3, "A third long story");
                firstDelta(third);
                Thread.sleep(700);
                a2.sigkill();
            }
            try (ServerProcess a3 = ServerProcess.start("turns-a", env(database, dataDir.resolve("a"), portA, "10m"))) {
                a3.awaitHealthy(Duration.ofSeconds(120));
                GriddleClient c3 = GriddleClient.builder(a3.baseUrl()).apiKey(KEY).build();
                ThreadMessage left = lastMessage(c3, t3);
                assertThat(left.status()).as("cleaned up at start-up, long before the 10 min heartbeat timeout").isEqualTo("interrupted");
                assertThat(left.content()).startsWith("First words.");
                assertThat(c3.threads().stop(t3)).isFalse();
                FAKE.script(tag3, List.of(new Text("Restarted.")));
                assertThat(c3.threads().send(t3, "Hello again", null).content()).isEqualTo("Restarted.");
                assertThat(a3.logText()).contains("Took over 1 thread turn(s)");
            }
        }
    }
}

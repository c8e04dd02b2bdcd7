package dev.griddle.server.thread;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.ApiKey;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.server.ApiTest;
import dev.griddle.server.run.RunnerFixtures;
import dev.griddle.server.thread.FakeStreamingProvider.Pause;
import dev.griddle.server.thread.FakeStreamingProvider.Text;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every event stream of the API (a run's events, a thread's answer) is ended soon after its key
 * is revoked, and a key holds at most {@code griddle.http.max-streams-per-key} of them at once.
 * Lives beside the thread tests for their fake streaming provider.
 */
class StreamLimitsTest extends ApiTest {

    static final FakeStreamingProvider FAKE = new FakeStreamingProvider();
    static final String MODEL = "openai/limits-model";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
        registry.add("griddle.http.stream-key-check", () -> "300ms");
        registry.add("griddle.http.max-streams-per-key", () -> "2");
    }

    /** An open SSE response read on its own thread: its lines, and a future done when the server ends it. */
    record Stream(int status, List<String> lines, CompletableFuture<Void> ended, InputStream body) {
        static Stream open(HttpRequest request) throws Exception {
            HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            List<String> lines = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> ended = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        lines.add(line);
                    }
                } catch (Exception ignored) {
                    // closed by the test
                }
                ended.complete(null);
            });
            return new Stream(response.statusCode(), lines, ended, response.body());
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    private Stream runStream(String key, UUID runId) throws Exception {
        return Stream.open(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/runs/" + runId + "/events/stream"))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").build());
    }

    private Stream answerStream(String key, UUID threadId, String content) throws Exception {
        return Stream.open(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/threads/" + threadId + "/messages"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("content", content)))).build());
    }

    /** A run that waits on an approval, so its stream stays open. */
    private static UUID waitingRun(GriddleClient c) {
        var r = RunnerFixtures.runner(c, "steps:\n  - {id: gate, type: approval, with: {message: wait}}\n");
        return c.runs().start(r.id(), StartRun.of(null)).id();
    }

    private static UUID thread(GriddleClient c, String tag) {
        JsonNode agent = json(c.send("POST", "/api/v1/agents", Map.of("name", "a-" + tag, "model", MODEL, "instructions", "You help. " + tag), Map.of()));
        return UUID.fromString(json(c.send("POST", "/api/v1/threads", Map.of("agent_id", agent.path("id").asString()), Map.of())).path("id").asString());
    }

    @Test
    void streamsEndSoonAfterTheirKeyIsRevoked() throws Exception {
        GriddleClient admin = newOrg();
        ApiKey key = admin.keys().create(CreateKey.of("streams", "contributor"));
        String tag = "tag-" + UUID.randomUUID();
        FAKE.script(tag, List.of(new Text("Thinking"), new Pause(8000), new Text(" done.")));
        UUID thread = thread(admin, tag);
        Stream events = runStream(key.secret(), waitingRun(admin));
        Stream answer = answerStream(key.secret(), thread, "hello " + tag);
        assertThat(events.status()).isEqualTo(200);
        assertThat(answer.status()).isEqualTo(200);
        Thread.sleep(700); // both are open and flowing past one key check
        assertThat(events.ended()).isNotDone();
        assertThat(answer.ended()).isNotDone();

        long revokedAt = System.nanoTime();
        admin.keys().revoke(key.id());
        events.ended().get(3, TimeUnit.SECONDS);
        answer.ended().get(3, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revokedAt)).as("ended within a few key checks").isLessThan(3000);
        assertThat(events.text()).contains("id:").contains(":stream closed: API key").contains("was revoked");
        assertThat(answer.text()).contains("stream closed: API key");
    }

    @Test
    void aKeyHoldsAtMostTheCapOfStreamsAcrossEndpoints() throws Exception {
        GriddleClient admin = newOrg();
        ApiKey key = admin.keys().create(CreateKey.of("greedy", "contributor"));
        String tag = "tag-" + UUID.randomUUID();
        UUID thread = thread(admin, tag);
        Stream one = runStream(key.secret(), waitingRun(admin));
        Stream two = runStream(key.secret(), waitingRun(admin));
        assertThat(List.of(one.status(), two.status())).containsOnly(200);

        Stream third = runStream(key.secret(), waitingRun(admin));
        assertThat(third.status()).isEqualTo(429);
        third.ended().get(5, TimeUnit.SECONDS);
        JsonNode refused = JSON.readTree(third.text());
        assertThat(refused.path("error").path("code").asString()).isEqualTo("TOO_MANY_STREAMS");
        assertThat(refused.path("error").path("details").path("limit").asInt()).isEqualTo(2);

        // a thread's answer counts too, and is refused before anything is stored
        Stream answer = answerStream(key.secret(), thread, "hi " + tag);
        assertThat(answer.status()).isEqualTo(429);
        answer.ended().get(5, TimeUnit.SECONDS);
        assertThat(JSON.readTree(answer.text()).path("error").path("code").asString()).isEqualTo("TOO_MANY_STREAMS");
        assertThat(json(admin.raw("GET", "/api/v1/threads/" + thread + "/messages", null, Map.of())).path("data")).isEmpty();

        // other keys are not affected, and a closed stream frees its place
        String other = admin.keys().create(CreateKey.of("other", "viewer")).secret();
        assertThat(runStream(other, waitingRun(admin)).status()).isEqualTo(200);
        one.body().close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status;
        do {
            Thread.sleep(200);
            Stream again = runStream(key.secret(), waitingRun(admin));
            status = again.status();
            if (status != 200) {
                again.ended().get(5, TimeUnit.SECONDS);
            }
        } while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).as("a place freed once the client hung up").isEqualTo(200);
    }
}

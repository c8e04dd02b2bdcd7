package dev.griddle.server.session;

import static dev.griddle.server.session.SessionApiTest.ok;
import static dev.griddle.server.session.SessionApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.server.ApiTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The session events stream is pushed by wakeups: with the fallback poll at a minute, events
 * reported in several batches still arrive, in order, well before it; the stream ends with the
 * session. And a host that stops polling loses its sessions ({@code host_lost}) after the
 * heartbeat timeout, here 2 s.
 */
class SessionStreamTest extends ApiTest {

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("griddle.session.stream-fallback-poll", () -> "1m");
        registry.add("griddle.session.reap-interval", () -> "200ms");
        registry.add("griddle.worker.heartbeat-timeout", () -> "2s");
    }

    record Placed(GriddleClient admin, GriddleClient worker, String host, String session, long token) {
        void report(String events) {
            ok(post(worker, "/api/v1/workers/" + host + "/sessions/report", """
                    {"reports": [{"session_id": "%s", "lease_token": %d, "events": %s}]}""".formatted(session, token, events)));
        }
    }

    Placed placed() {
        GriddleClient admin = newOrg();
        GriddleClient worker = client(admin.keys().create(CreateKey.of("w", "worker")).secret());
        String host = ok(post(worker, "/api/v1/workers", """
                {"name": "pods", "max_pods": 1, "session_templates": [{"name": "agent"}]}""")).path("id").asString();
        String session = ok(post(admin, "/api/v1/sessions", "{\"template\": \"agent\", \"initial_prompt\": \"hi\"}")).path("id").asString();
        JsonNode start = ok(post(worker, "/api/v1/workers/" + host + "/sessions/poll", "{\"wait_ms\": 0}")).path("commands").get(0);
        return new Placed(admin, worker, host, session, start.path("lease_token").asLong());
    }

    @Test
    void eventsArriveInOrderPushedNotPolled() throws Exception {
        Placed p = placed();
        String key = p.admin().keys().create(CreateKey.of("reader", "viewer")).secret();
        List<String> ids = new CopyOnWriteArrayList<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/sessions/" + p.session() + "/events/stream"))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("id:")) {
                        ids.add(line.substring(3).strip());
                    } else if (line.startsWith("data:") && line.contains("\"line\"")) {
                        lines.add(SessionApiTest.JSON.readTree(line.substring(5)).path("data").path("line").asString());
                    }
                }
            } catch (java.io.IOException e) {
                // the stream closed
            }
        });
        // the history so far (pending, starting) comes first
        await().atMost(Duration.ofSeconds(10)).until(() -> ids.size() >= 2);
        p.report("[{\"seq\": 1, \"type\": \"status\", \"status\": \"running\"}]");
        List<String> expected = new ArrayList<>();
        int seq = 2;
        for (int batch = 0; batch < 5; batch++) {
            StringBuilder events = new StringBuilder("[");
            for (int i = 0; i < 20; i++) {
                String line = "line " + batch + "." + i;
                expected.add(line);
                events.append(events.length() > 1 ? "," : "").append("{\"seq\": ").append(seq++).append(", \"type\": \"output\", \"line\": \"")
                        .append(line).append("\"}");
            }
            p.report(events.append("]").toString());
            int wanted = expected.size();
            // a minute before the fallback poll would look: only a wakeup brings them this soon
            await().atMost(Duration.ofSeconds(20)).until(() -> lines.size() >= wanted);
        }
        assertThat(lines).containsExactlyElementsOf(expected);
        assertThat(ids.stream().map(Long::parseLong).toList()).isSorted().doesNotHaveDuplicates();

        // the session ends: the stream sends the last status and closes
        p.report("[{\"seq\": " + seq + ", \"type\": \"status\", \"status\": \"terminated\", \"exit_code\": 0}]");
        reader.join(Duration.ofSeconds(20));
        assertThat(reader.isAlive()).as("the stream closed after the session ended").isFalse();
        JsonNode all = ok(p.admin().raw("GET", "/api/v1/sessions/" + p.session() + "/events?limit=1000", null, Map.of())).path("data");
        assertThat(ids).hasSize(all.size());
    }

    @Test
    void aHostThatStopsRenewingLosesItsSessions() {
        Placed p = placed();
        p.report("[{\"seq\": 1, \"type\": \"status\", \"status\": \"running\"}]");
        // the host goes quiet: no poll renews the lease, and after the heartbeat timeout the session fails
        await().atMost(Duration.ofSeconds(30)).until(() -> ok(p.admin().raw("GET", "/api/v1/sessions/" + p.session(), null, Map.of()))
                .path("status").asString().equals("failed"));
        JsonNode lost = ok(p.admin().raw("GET", "/api/v1/sessions/" + p.session(), null, Map.of()));
        assertThat(lost.path("reason").asString()).isEqualTo("host_lost");
        // its reports are fenced from then on
        JsonNode late = ok(post(p.worker(), "/api/v1/workers/" + p.host() + "/sessions/report", """
                {"reports": [{"session_id": "%s", "lease_token": %d, "events": [{"seq": 2, "type": "output", "line": "late"}]}]}"""
                .formatted(p.session(), p.token())));
        assertThat(late.path("lost").get(0).asString()).isEqualTo(p.session());
    }
}

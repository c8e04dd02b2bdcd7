package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.TriggerModels.NotificationInput;
import dev.griddle.sdk.TriggerModels.Subscription;
import dev.griddle.sdk.TriggerModels.SubscriptionDelivery;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Organization-level subscriptions to {@code session.*} events, delivered to a real receiver on
 * loopback that checks each Standard Webhooks signature; filters, the delivery log, bad input,
 * the per-organization cap and keys limited to projects. The session's worker is played by the test.
 */
class SessionSubscriptionApiTest extends ApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    record Received(String path, String event, String webhookId, String webhookTimestamp, String webhookSignature, byte[] body) {
        JsonNode payload() {
            return JSON.readTree(new String(body, StandardCharsets.UTF_8));
        }
    }

    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var h = exchange.getRequestHeaders();
            received.add(new Received(exchange.getRequestURI().getPath(), h.getFirst("X-Griddle-Event"), h.getFirst("webhook-id"),
                    h.getFirst("webhook-timestamp"), h.getFirst("webhook-signature"), body));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    static RawResponse post(GriddleClient c, String path, String body) {
        return c.raw("POST", path, body, Map.of("Content-Type", "application/json"));
    }

    static JsonNode ok(RawResponse r) {
        assertThat(r.status()).as(r.body()).isBetween(200, 299);
        return r.body() == null || r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    private List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Test
    void sessionEventsReachTheSubscribersSignedAndFiltered() {
        GriddleClient admin = newOrg();
        Subscription all = admin.notifications().subscribe(new NotificationInput(url("/all"), List.of("session.*")));
        String secret = all.signingSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(all.signatureScheme()).isEqualTo("standard");
        UUID allId = all.id();
        Subscription failedOnly = admin.notifications().subscribe(new NotificationInput(url("/failed"), List.of("session.failed")));
        // the secret is shown once, and stored sealed
        assertThat(admin.notifications().subscription(allId).signingSecret()).isNull();
        assertThat(ok(admin.raw("GET", "/api/v1/notifications/subscriptions/" + allId, null, Map.of())).has("signing_secret")).isFalse();
        assertThat(admin.notifications().subscriptions(PageRequest.first()).meta().total()).isEqualTo(2);

        // a session goes pending, starting, running and failed on a host played by the test
        GriddleClient worker = client(admin.keys().create(CreateKey.of("w", "worker")).secret());
        String host = ok(post(worker, "/api/v1/workers", """
                {"name": "pods", "max_pods": 1, "session_templates": [{"name": "agent"}]}""")).path("id").asString();
        String session = ok(post(admin, "/api/v1/sessions", "{\"template\": \"agent\", \"initial_prompt\": \"hi\"}")).path("id").asString();
        JsonNode start = ok(post(worker, "/api/v1/workers/" + host + "/sessions/poll", "{\"wait_ms\": 0}")).path("commands").get(0);
        ok(post(worker, "/api/v1/workers/" + host + "/sessions/report", """
                {"reports": [{"session_id": "%s", "lease_token": %d, "events": [
                  {"seq": 1, "type": "status", "status": "running"},
                  {"seq": 2, "type": "status", "status": "failed", "exit_code": 2, "reason": "exited"}]}]}"""
                .formatted(session, start.path("lease_token").asLong())));

        await().atMost(Duration.ofSeconds(20)).until(() -> at("/all").size() >= 4 && at("/failed").size() >= 1);
        assertThat(at("/all")).extracting(Received::event)
                .containsExactlyInAnyOrder("session.created", "session.starting", "session.running", "session.failed");
        assertThat(at("/failed")).singleElement().satisfies(r -> assertThat(r.event()).isEqualTo("session.failed"));
        for (Received r : at("/all")) {
            // Standard Webhooks, checked with the JDK's Mac under the secret of the create response
            assertThat(r.webhookSignature()).as(r.event())
                    .isEqualTo(TriggerNotificationApiTest.standardSignature(secret, r.webhookId(), r.webhookTimestamp(), r.body()));
            assertThat(r.payload().path("session_id").asString()).isEqualTo(session);
            assertThat(r.payload().path("event").asString()).isEqualTo(r.event());
        }
        JsonNode failed = at("/failed").getFirst().payload();
        assertThat(failed.path("status").asString()).isEqualTo("failed");
        assertThat(failed.path("exit_code").asInt()).isEqualTo(2);
        assertThat(failed.path("reason").asString()).isEqualTo("exited");
        assertThat(failed.path("template").asString()).isEqualTo("agent");
        assertThat(failed.path("worker_id").asString()).isEqualTo(host);
        assertThat(at("/failed").getFirst().webhookSignature()).isEqualTo(TriggerNotificationApiTest.standardSignature(
                failedOnly.signingSecret(), at("/failed").getFirst().webhookId(), at("/failed").getFirst().webhookTimestamp(),
                at("/failed").getFirst().body()));

        // the delivery log
        List<SubscriptionDelivery> log = await().atMost(Duration.ofSeconds(10)).until(
                () -> admin.notifications().subscriptionDeliveries(allId, PageRequest.first()).data(),
                l -> l.size() == 4 && l.stream().allMatch(d -> d.status().equals("delivered")));
        assertThat(log.getFirst().attempts()).isEqualTo(1);
        assertThat(log.getFirst().responseStatus()).isEqualTo(204);
        assertThat(log.stream().map(d -> d.id().toString()).toList()).containsAll(at("/all").stream().map(Received::webhookId).toList());

        // deleted: no more deliveries, and gone
        admin.notifications().unsubscribe(allId);
        assertThat(admin.raw("GET", "/api/v1/notifications/subscriptions/" + allId, null, Map.of()).status()).isEqualTo(404);
    }

    @Test
    void badInputTheCapAndKeysLimitedToProjects() {
        GriddleClient admin = newOrg();
        for (String bad : new String[] {"{\"url\": \"ftp://x\", \"events\": [\"session.*\"]}", "{\"url\": \"" + url("/x") + "\", \"events\": []}",
                "{\"url\": \"" + url("/x") + "\", \"events\": [\"run_succeeded\"]}", "{\"url\": \"" + url("/x") + "\", \"events\": [\"session.*\"], "
                        + "\"signature_scheme\": \"github\"}", "{\"events\": [\"session.*\"]}"}) {
            RawResponse r = post(admin, "/api/v1/notifications/subscriptions", bad);
            assertThat(r.status()).as(bad).isEqualTo(422);
            assertThat(r.body()).contains("VALIDATION_FAILED");
        }
        assertThat(ok(admin.raw("GET", "/api/v1/notifications/subscriptions", null, Map.of())).path("meta").path("total").asInt()).isZero();

        String body = "{\"url\": \"" + url("/cap") + "\", \"events\": [\"session.terminated\"], \"signature_scheme\": \"hmac-sha256\"}";
        for (int i = 0; i < 20; i++) {
            ok(post(admin, "/api/v1/notifications/subscriptions", body));
        }
        RawResponse over = post(admin, "/api/v1/notifications/subscriptions", body);
        assertThat(over.status()).isEqualTo(409);
        assertThat(over.body()).contains("TOO_MANY_SUBSCRIPTIONS").contains("griddle.subscriptions.max-per-org");

        // an organization-wide object: a key limited to a project neither reads nor manages them
        UUID project = admin.projects().create("p-" + UUID.randomUUID(), null).id();
        GriddleClient limited = client(admin.keys().create(new CreateKey("l", "admin", List.of(project), null)).secret());
        String one = ok(admin.raw("GET", "/api/v1/notifications/subscriptions", null, Map.of())).path("data").get(0).path("id").asString();
        assertThat(ok(limited.raw("GET", "/api/v1/notifications/subscriptions", null, Map.of())).path("data")).isEmpty();
        assertThat(limited.raw("GET", "/api/v1/notifications/subscriptions/" + one, null, Map.of()).status()).isEqualTo(404);
        assertThat(limited.raw("DELETE", "/api/v1/notifications/subscriptions/" + one, null, Map.of()).status()).isEqualTo(404);
        assertThat(post(limited, "/api/v1/notifications/subscriptions", body).status()).isEqualTo(403);
        GriddleClient viewer = client(admin.keys().create(CreateKey.of("v", "viewer")).secret());
        assertThat(post(viewer, "/api/v1/notifications/subscriptions", body).status()).isEqualTo(403);
        assertThat(viewer.raw("GET", "/api/v1/notifications/subscriptions", null, Map.of()).status()).isEqualTo(200);
    }
}

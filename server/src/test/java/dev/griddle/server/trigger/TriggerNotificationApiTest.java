package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.TriggerModels.Notification;
import dev.griddle.sdk.TriggerModels.NotificationDelivery;
import dev.griddle.sdk.TriggerModels.NotificationInput;
import dev.griddle.sdk.TriggersClient;
import dev.griddle.server.ApiTest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Outbound notifications to a real receiver on loopback: signed, logged, retried after a failure. */
class TriggerNotificationApiTest extends ApiTest {

    record Received(String path, String event, String delivery, String signature, String webhookId, String webhookTimestamp,
            String webhookSignature, byte[] body) {
    }

    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger flakyCalls = new AtomicInteger();

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            var h = exchange.getRequestHeaders();
            received.add(new Received(path, h.getFirst("X-Griddle-Event"), h.getFirst("X-Griddle-Delivery"), h.getFirst("X-Griddle-Signature"),
                    h.getFirst("webhook-id"), h.getFirst("webhook-timestamp"), h.getFirst("webhook-signature"), body));
            int status = path.equals("/flaky") && flakyCalls.incrementAndGet() == 1 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
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

    @Test
    void runEventsAreDeliveredSignedAndLogged() {
        GriddleClient c = newOrg();
        UUID runner = c.runners().createYaml("name: n-" + UUID.randomUUID() + "\nsteps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
        Notification n = c.notifications().create(runner, new NotificationInput(url("/ok"), List.of("run_succeeded", "run_failed")));
        assertThat(n.signingSecret()).startsWith("whsec_");
        assertThat(n.signatureScheme()).isEqualTo("standard");
        assertThat(c.notifications().get(n.id()).signingSecret()).isNull();

        UUID run = c.runs().start(runner, StartRun.of(null)).id();
        c.runs().await(run, Duration.ofSeconds(30));
        Received r = await().atMost(Duration.ofSeconds(15)).until(() -> received.stream().filter(x -> x.path().equals("/ok")).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertThat(r.event()).isEqualTo("run_succeeded");
        // Standard Webhooks, checked with the JDK's Mac: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> under the base64 key after whsec_
        assertThat(r.signature()).isNull();
        assertThat(r.webhookId()).isEqualTo(r.delivery());
        assertThat(Long.parseLong(r.webhookTimestamp())).isCloseTo(java.time.Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
        assertThat(r.webhookSignature()).isEqualTo(standardSignature(n.signingSecret(), r.webhookId(), r.webhookTimestamp(), r.body()));
        var payload = dev.griddle.server.run.TestJson.parse(new String(r.body()));
        assertThat(payload.path("run_id").asString()).isEqualTo(run.toString());
        assertThat(payload.path("event").asString()).isEqualTo("run_succeeded");
        assertThat(payload.path("runner_id").asString()).isEqualTo(runner.toString());

        NotificationDelivery d = await().atMost(Duration.ofSeconds(10))
                .until(() -> c.notifications().deliveries(n.id(), PageRequest.first()).data(), l -> !l.isEmpty() && l.getFirst().status().equals("delivered"))
                .getFirst();
        assertThat(d.id().toString()).isEqualTo(r.delivery());
        assertThat(d.runId()).isEqualTo(run);
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(d.responseStatus()).isEqualTo(204);
        assertThat(received).hasSize(1);

        expectError(422, "VALIDATION_FAILED", () -> c.notifications().create(runner, new NotificationInput("ftp://x", List.of("run_exploded"))));
        c.notifications().delete(n.id());
        expectError(404, "NOT_FOUND", () -> c.notifications().get(n.id()));
    }

    static String standardSignature(String secret, String id, String timestamp, byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "v1," + java.util.Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anHmacSha256NotificationKeepsTheGriddleSignature() {
        GriddleClient c = newOrg();
        UUID runner = c.runners().createYaml("name: h-" + UUID.randomUUID() + "\nsteps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
        Notification n = c.notifications().create(runner, new NotificationInput(url("/legacy"), List.of("run_succeeded"), "hmac-sha256"));
        assertThat(n.signatureScheme()).isEqualTo("hmac-sha256");
        c.runs().await(c.runs().start(runner, StartRun.of(null)).id(), Duration.ofSeconds(30));
        Received r = await().atMost(Duration.ofSeconds(15)).until(() -> received.stream().filter(x -> x.path().equals("/legacy")).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertThat(r.signature()).isEqualTo(TriggersClient.sign(n.signingSecret(), r.body()));
        assertThat(r.webhookSignature()).isNull();
        expectError(422, "VALIDATION_FAILED", () -> c.notifications().create(runner, new NotificationInput(url("/x"), List.of("run_failed"), "github")));
    }

    @Test
    void aFailedDeliveryIsRetriedAndApprovalsAreAnnounced() {
        GriddleClient c = newOrg();
        UUID runner = c.runners().createYaml("name: a-" + UUID.randomUUID() + "\nsteps:\n  - {id: gate, type: approval, with: {message: ok?}}\n").id();
        Notification n = c.notifications().create(runner, new NotificationInput(url("/flaky"), List.of("approval_requested")));
        c.runs().start(runner, StartRun.of(null));
        NotificationDelivery d = await().atMost(Duration.ofSeconds(20))
                .until(() -> c.notifications().deliveries(n.id(), PageRequest.first()).data(), l -> !l.isEmpty() && l.getFirst().status().equals("delivered"))
                .getFirst();
        assertThat(d.event()).isEqualTo("approval_requested");
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(received).hasSize(2);
        assertThat(received.get(0).delivery()).isEqualTo(received.get(1).delivery());
        assertThat(Map.of("event", received.get(1).event())).containsEntry("event", "approval_requested");
    }
}

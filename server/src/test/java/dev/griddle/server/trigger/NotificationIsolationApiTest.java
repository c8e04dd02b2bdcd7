package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.TriggerModels.Notification;
import dev.griddle.sdk.TriggerModels.NotificationDelivery;
import dev.griddle.sdk.TriggerModels.NotificationInput;
import dev.griddle.server.ServerTest;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.outbound.OutboundGuard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * How notifications are sent when endpoints misbehave, against fake receivers on 127.0.0.1: a
 * hanging endpoint holds up only its own organization, an organization has at most its cap in
 * flight, a connect that never completes fails at the connect timeout, a failing endpoint's
 * circuit opens and recovers, and senders sharing one database never send one delivery at once.
 * The server has a database of its own, so no other cached test context's sender takes these deliveries.
 */
@TestPropertySource(properties = {"griddle.triggers.notification-poll-interval=100ms", "griddle.triggers.notification-timeout=20s",
        "griddle.triggers.notification-connect-timeout=1s", "griddle.triggers.notification-concurrency=16",
        "griddle.triggers.notification-per-org-concurrency=2", "griddle.triggers.notification-initial-backoff=200ms",
        "griddle.triggers.notification-circuit-failures=3", "griddle.triggers.notification-circuit-cooldown=2s"})
class NotificationIsolationApiTest extends ServerTest {

    private static final Supplier<Object> DATABASE = databaseOfItsOwn();

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) {
        serverProperties(registry, DATABASE);
    }

    @Autowired
    JdbcClient jdbc;
    @Autowired
    NotificationStore store;
    @Autowired
    SubscriptionStore subscriptionStore;
    @Autowired
    SigningSecrets secrets;
    @Autowired
    Clock clock;
    @Autowired
    OutboundGuard guard;

    @Test
    void theServerHasADatabaseOfItsOwn() {
        String name = jdbc.sql("select current_database()").query(String.class).single();
        assertThat(DATABASE.get().toString()).contains("/" + name);
        assertThat(TestDatabase.url()).doesNotContain("/" + name + "?").doesNotEndWith("/" + name);
    }

    @Test
    void aHangingEndpointHoldsUpOnlyItsOwnOrganization() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (FakeReceiver hanging = new FakeReceiver(() -> {
            never.await();
            return 204;
        }); FakeReceiver healthy = new FakeReceiver(() -> 204)) {
            GriddleClient a = newOrg();
            UUID runnerA = runner(a);
            Notification toHanging = a.notifications().create(runnerA, new NotificationInput(hanging.url("/a"), List.of("run_succeeded")));
            for (int i = 0; i < 3; i++) {
                run(a, runnerA);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> hanging.open() >= 1);

            GriddleClient b = newOrg();
            UUID runnerB = runner(b);
            Notification toHealthy = b.notifications().create(runnerB, new NotificationInput(healthy.url("/b"), List.of("run_succeeded")));
            run(b, runnerB);
            // the sequential sender would sit in A's first attempt for the whole 20 s timeout
            await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(b, toHealthy.id()),
                    l -> l.size() == 1 && l.getFirst().status().equals("delivered"));
            assertThat(healthy.requests()).isEqualTo(1);
            assertThat(hanging.answered()).isZero();

            // A holds its two slots; its third delivery is not claimed (it would wait here with its lease running)
            await().atMost(Duration.ofSeconds(10)).until(() -> hanging.open() == 2);
            List<NotificationDelivery> ofA = await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(a, toHanging.id()), l -> l.size() == 3);
            Instant now = Instant.now();
            assertThat(ofA).allMatch(d -> d.status().equals("pending") && d.attempts() == 0);
            assertThat(ofA.stream().filter(d -> d.nextAttemptAt().isAfter(now.plusSeconds(10)))).as("claimed, leased").hasSize(2);
            assertThat(ofA.stream().filter(d -> d.nextAttemptAt().isBefore(now.plusSeconds(1)))).as("unclaimed").hasSize(1);
            never.countDown();
        }
    }

    @Test
    void anOrganizationHasAtMostItsCapInFlight() throws Exception {
        try (FakeReceiver slow = new FakeReceiver(() -> {
            Thread.sleep(500);
            return 204;
        })) {
            GriddleClient c = newOrg();
            UUID runner = runner(c);
            Notification n = c.notifications().create(runner, new NotificationInput(slow.url("/slow"), List.of("run_succeeded")));
            for (int i = 0; i < 6; i++) {
                run(c, runner);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveries(c, n.id()),
                    l -> l.size() == 6 && l.stream().allMatch(d -> d.status().equals("delivered")));
            assertThat(slow.requests()).isEqualTo(6);
            assertThat(slow.mostOpen()).as("sent concurrently, up to the per-organization cap of 2 and no more").isEqualTo(2);
        }
    }

    @Test
    void aConnectThatNeverCompletesFailsAtTheConnectTimeout() throws Exception {
        // a listener that never accepts, its accept queue filled: the kernel drops further SYNs, so a connect hangs
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            List<Socket> queued = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", full.getLocalPort()), 300);
                    queued.add(s);
                } catch (java.io.IOException e) {
                    s.close();
                }
            }
            try {
                GriddleClient c = newOrg();
                UUID runner = runner(c);
                Notification n = c.notifications().create(runner,
                        new NotificationInput("http://127.0.0.1:" + full.getLocalPort() + "/x", List.of("run_succeeded")));
                run(c, runner);
                NotificationDelivery d = await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(c, n.id()),
                        l -> l.size() == 1 && l.getFirst().attempts() >= 1).getFirst();
                assertThat(d.lastError()).contains("HttpConnectTimeoutException");
                assertThat(d.responseStatus()).isNull();
                assertThat(d.status()).isEqualTo("pending");
            } finally {
                for (Socket s : queued) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aFailingEndpointsCircuitOpensStopsTheAttemptsAndRecovers() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        try (FakeReceiver flaky = new FakeReceiver(() -> down.get() ? 503 : 204)) {
            GriddleClient c = newOrg();
            UUID runner = runner(c);
            Notification n = c.notifications().create(runner, new NotificationInput(flaky.url("/c"), List.of("run_succeeded")));
            for (int i = 0; i < 4; i++) {
                run(c, runner);
            }
            String open = "not attempted: the circuit of " + EndpointCircuits.endpoint(java.net.URI.create(flaky.url("/"))) + " is open";
            List<NotificationDelivery> held = await().atMost(Duration.ofSeconds(15)).until(() -> deliveries(c, n.id()),
                    l -> l.size() == 4 && l.stream().allMatch(d -> d.status().equals("pending") && d.lastError() != null
                            && d.lastError().startsWith(open)));
            // 3 failures open it; the one other attempt the cap of 2 allows may have been under way by then. Without a
            // circuit the 200 ms backoff would have retried each of the four several times by now.
            int hits = flaky.requests();
            assertThat(hits).isBetween(3, 4);
            assertThat(held.stream().mapToInt(NotificationDelivery::attempts).sum()).as("postponed, not counted as attempts").isEqualTo(hits);
            assertThat(held.getFirst().lastError()).contains("(3 consecutive failed attempts on this node); next try at");

            // after the cool-down one trial goes through (half-open); it fails, so the circuit opens again
            await().atMost(Duration.ofSeconds(10)).until(() -> flaky.requests() == hits + 1);
            assertThat(flaky.requests()).isEqualTo(hits + 1);

            down.set(false);
            await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(c, n.id()),
                    l -> l.size() == 4 && l.stream().allMatch(d -> d.status().equals("delivered")));
            assertThat(flaky.requests()).isEqualTo(hits + 1 + 4);
            run(c, runner);
            await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(c, n.id()),
                    l -> l.size() == 5 && l.stream().allMatch(d -> d.status().equals("delivered")));
            assertThat(deliveries(c, n.id()).getFirst().attempts()).as("closed again: the new one goes straight through").isEqualTo(1);
        }
    }

    @Test
    void sendersSharingADatabaseNeverSendOneDeliveryAtOnce() throws Exception {
        // two more senders on this server's database, with a 1 s timeout (so a short lease) and polling every 50 ms
        TriggerProperties props = new TriggerProperties(true, Duration.ofSeconds(1), Duration.ofHours(24), true, Duration.ofMillis(50), 8,
                Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(500), 16, 4, 5, Duration.ofSeconds(30), 1000,
                Duration.ofDays(7), 20, 100, 60);
        List<NotificationSender> others = List.of(sender(props), sender(props));
        try (FakeReceiver slow = new FakeReceiver(() -> {
            Thread.sleep(300);
            return 204;
        })) {
            others.forEach(NotificationSender::start);
            GriddleClient c = newOrg();
            UUID runner = runner(c);
            List<Notification> subscriptions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                subscriptions.add(c.notifications().create(runner, new NotificationInput(slow.url("/d" + i), List.of("run_succeeded"))));
            }
            for (int i = 0; i < 10; i++) {
                run(c, runner);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> subscriptions.stream().map(s -> deliveries(c, s.id()))
                    .allMatch(l -> l.size() == 10 && l.stream().allMatch(d -> d.status().equals("delivered"))));
            assertThat(slow.concurrentDuplicates()).as("deliveries that came while the same one was still open").isEmpty();
            assertThat(slow.receivedById()).hasSize(30).allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
            assertThat(subscriptions.stream().flatMap(s -> deliveries(c, s.id()).stream())).allMatch(d -> d.attempts() == 1);
            assertThat(slow.mostOpen()).as("more than one sender took part (this server's own holds at most 2 of one organization)")
                    .isGreaterThan(2);
        } finally {
            others.forEach(NotificationSender::stop);
        }
    }

    private NotificationSender sender(TriggerProperties props) {
        return new NotificationSender(store, subscriptionStore, secrets, props, clock, guard, new SimpleMeterRegistry());
    }

    private static UUID runner(GriddleClient c) {
        return c.runners().createYaml("name: n-" + UUID.randomUUID() + "\nsteps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
    }

    private static void run(GriddleClient c, UUID runner) {
        c.runs().await(c.runs().start(runner, StartRun.of(null)).id(), Duration.ofSeconds(30));
    }

    private static List<NotificationDelivery> deliveries(GriddleClient c, UUID notification) {
        return c.notifications().deliveries(notification, PageRequest.of(1, 100)).data();
    }
}

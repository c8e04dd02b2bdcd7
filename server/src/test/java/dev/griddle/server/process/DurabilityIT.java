package dev.griddle.server.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.CompleteApproval;
import dev.griddle.sdk.RunModels.Event;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.server.TestDatabase;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes, for real: the server is SIGKILLed while runs are mid-flight (a durable wait, a slow HTTP
 * call, an approval); after a restart every run completes, no completed step runs again, and every
 * run's events are numbered without a gap or a duplicate. And two nodes on one database never
 * execute the same attempt twice.
 */
class DurabilityIT {

    private static final String KEY = "grd_live_DurabilityItBootstrapKey00000000";

    @TempDir
    Path dataDir;

    HttpServer echo;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final Map<String, Integer> idempotencyKeys = new ConcurrentHashMap<>();

    @BeforeEach
    void startEcho() throws Exception {
        echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        echo.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        echo.createContext("/", exchange -> {
            String path = exchange.getRequestURI().toString();
            requests.add(path);
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            if (key != null) {
                idempotencyKeys.merge(key, 1, Integer::sum);
            }
            if (path.startsWith("/slow")) {
                try {
                    Thread.sleep(2500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        echo.start();
    }

    @AfterEach
    void stopEcho() {
        echo.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + echo.getAddress().getPort() + path;
    }

    private Map<String, String> env(String database) {
        Map<String, String> env = new HashMap<>();
        env.put("GRIDDLE_DATABASE_URL", database);
        env.put("GRIDDLE_DATA_DIR", dataDir.toString());
        env.put("GRIDDLE_BOOTSTRAP_ADMIN_KEY", KEY);
        env.put("GRIDDLE_ENGINE_TASK_LEASE", "3s");
        env.put("GRIDDLE_ENGINE_REAP_INTERVAL", "500");
        env.put("GRIDDLE_OUTBOUND_ALLOW", "127.0.0.1");
        return env;
    }

    private static GriddleClient client(ServerProcess server) {
        return GriddleClient.builder(server.baseUrl()).apiKey(KEY).build();
    }

    @Test
    void runsSurviveSigkillMidFlight() {
        String database = TestDatabase.another();
        List<UUID> runs = new ArrayList<>();
        try (ServerProcess first = ServerProcess.start("durability-1", env(database))) {
            first.awaitHealthy(Duration.ofSeconds(90));
            GriddleClient c = client(first);
            UUID waiter = c.runners().createYaml("""
                    name: waiter
                    steps:
                      - {id: before, type: transform, with: {value: 1}}
                      - {id: nap, type: wait, needs: [before], with: {duration_ms: 2000}}
                      - {id: after, type: transform, needs: [nap], with: {value: 2}}
                    """).id();
            UUID caller = c.runners().createYaml("""
                    name: caller
                    steps:
                      - {id: once, type: http, with: {method: GET, url: "%s?run={{ run.id }}"}}
                      - {id: slow, type: http, needs: [once], with: {method: GET, url: "%s?run={{ run.id }}"}}
                      - {id: done, type: transform, needs: [slow], with: {value: ok}}
                    """.formatted(url("/once"), url("/slow"))).id();
            UUID gated = c.runners().createYaml("""
                    name: gated
                    steps:
                      - {id: ask, type: approval, with: {message: proceed?}}
                      - {id: go, type: transform, needs: [ask], with: {value: "{{ steps.ask.output.approved }}"}}
                    """).id();
            for (int i = 0; i < 3; i++) {
                runs.add(c.runs().start(waiter, StartRun.of(null)).id());
                runs.add(c.runs().start(caller, StartRun.of(null)).id());
                runs.add(c.runs().start(gated, StartRun.of(null)).id());
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> requests.stream().filter(p -> p.startsWith("/slow")).count() >= 3);
            first.sigkill();
        }
        int onceCalls = (int) requests.stream().filter(p -> p.startsWith("/once")).count();
        assertThat(onceCalls).isEqualTo(3);

        try (ServerProcess second = ServerProcess.start("durability-2", env(database))) {
            second.awaitHealthy(Duration.ofSeconds(90));
            GriddleClient c = client(second);
            await().atMost(Duration.ofSeconds(30)).until(() -> c.approvals().inbox("pending", PageRequest.of(1, 100)).data().size() == 3);
            c.approvals().inbox("pending", PageRequest.of(1, 100)).data()
                    .forEach(a -> c.approvals().complete(a.id(), new CompleteApproval(true, "after the crash", null)));
            for (UUID id : runs) {
                Run run = c.runs().await(id, Duration.ofSeconds(60));
                assertThat(run.status()).as("run %s: %s", id, run.error()).isEqualTo("succeeded");
                assertEventsIntact(c, id);
            }
            assertThat(requests.stream().filter(p -> p.startsWith("/once")).count()).as("completed steps never run again").isEqualTo(3);
            assertThat(second.stop()).isZero();
        }
    }

    private static void assertEventsIntact(GriddleClient c, UUID runId) {
        List<Event> events = c.runs().events(runId, null, 1000).data();
        assertThat(events).extracting(Event::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
        Set<String> completed = new HashSet<>();
        for (Event e : events) {
            if (e.type().equals("step_completed")) {
                assertThat(completed.add(e.stepId())).as("one step_completed for %s in run %s", e.stepId(), runId).isTrue();
            }
        }
        List<StepRun> steps = c.runs().steps(runId);
        assertThat(completed).containsExactlyInAnyOrderElementsOf(steps.stream().map(StepRun::stepId).toList());
    }

    @Test
    void twoNodesNeverExecuteTheSameAttemptTwice() {
        String database = TestDatabase.another();
        try (ServerProcess a = ServerProcess.start("node-a", env(database)); ServerProcess b = ServerProcess.start("node-b", env(database))) {
            a.awaitHealthy(Duration.ofSeconds(90));
            b.awaitHealthy(Duration.ofSeconds(90));
            UUID runner = client(a).runners().createYaml("""
                    name: fanned
                    steps:
                      - {id: call, type: http, for_each: input.items, with: {method: GET, url: "%s?i={{ item }}"}}
                      - {id: again, type: http, needs: [call], with: {method: GET, url: "%s"}}
                    """.formatted(url("/item"), url("/again"))).id();
            List<UUID> runs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                GriddleClient c = client(i % 2 == 0 ? a : b);
                runs.add(c.runs().start(runner, StartRun.of(dev.griddle.server.run.TestJson.parse("{\"items\": [1,2,3,4,5]}"))).id());
            }
            for (UUID id : runs) {
                assertThat(client(b).runs().await(id, Duration.ofSeconds(60)).status()).isEqualTo("succeeded");
            }
            assertThat(idempotencyKeys).hasSize(20 * 6);
            assertThat(idempotencyKeys.values()).as("requests per run/step/attempt").allMatch(n -> n == 1);
            assertThat(a.logText()).doesNotContain("ERROR");
            assertThat(b.logText()).doesNotContain("ERROR");
        }
    }
}

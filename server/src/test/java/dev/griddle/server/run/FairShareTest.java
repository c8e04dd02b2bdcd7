package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.server.ApiTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Executor slots per organization (issue 20, finding H7): with another organization's slow http
 * steps in flight, a one-step run still finishes at once. The test server holds every request
 * until released; the node has 8 slots, an organization may hold 6.
 */
class FairShareTest extends ApiTest {

    HttpServer slow;
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger held = new AtomicInteger();
    final AtomicInteger mostHeld = new AtomicInteger();
    EchoServer echo;

    @BeforeEach
    void setUp() throws IOException {
        slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        slow.createContext("/", exchange -> {
            mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                held.decrementAndGet();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        slow.start();
        echo = new EchoServer();
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        slow.stop(0);
        echo.close();
    }

    @Test
    void anotherOrganizationsSlowStepsDoNotHoldUpAOneStepRun() {
        GriddleClient x = newOrg();
        var hog = runner(x, """
                steps:
                  - {id: hold, type: http, for_each: input.items, with: {method: GET, url: "http://127.0.0.1:%d/hold/{{ item }}"}}
                """.formatted(slow.getAddress().getPort()));
        String items = IntStream.range(0, 12).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Run hogRun = x.runs().start(hog.id(), StartRun.of(RunnerFixtures.JSON.readTree("{\"items\": [" + items + "]}")));
        await().atMost(Duration.ofSeconds(15)).until(() -> held.get() == 6);

        GriddleClient y = newOrg();
        var quick = runner(y, "steps:\n  - {id: ping, type: http, with: {method: GET, url: \"%s\"}}\n".formatted(echo.url("/echo")));
        long t0 = System.nanoTime();
        Run done = y.runs().await(y.runs().start(quick.id(), StartRun.of(null)).id(), Duration.ofSeconds(10));
        assertThat(done.status()).isEqualTo("succeeded");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(held.get()).as("the other organization's requests are still held").isEqualTo(6);
        assertThat(mostHeld.get()).isEqualTo(6); // griddle.engine.org-concurrency: three quarters of 8

        release.countDown();
        assertThat(x.runs().await(hogRun.id(), Duration.ofSeconds(30)).status()).isEqualTo("succeeded");
        assertThat(mostHeld.get()).isEqualTo(6);
    }
}

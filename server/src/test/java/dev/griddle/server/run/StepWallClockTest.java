package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.server.ApiTest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The wall clock of executing steps (issue 20): a step without {@code timeout_ms} ends at
 * {@code griddle.engine.step-timeout}, even while its response body trickles in, and a body over
 * the output limit fails at once instead of being buffered.
 */
@TestPropertySource(properties = {"griddle.engine.step-timeout=2s", "griddle.engine.version-cache=1MB",
        "griddle.engine.max-live-runs-per-org=2", "griddle.engine.max-live-runs-per-org-hard=4"})
class StepWallClockTest extends ApiTest {

    HttpServer server;
    GriddleClient c;

    @BeforeEach
    void setUp() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        // headers at once, then one byte every 200 ms for a minute
        server.createContext("/trickle", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 300; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (IOException | InterruptedException gone) {
                // the client hung up
            }
        });
        // 4 GiB, fast, either declared up front or chunked
        server.createContext("/huge", exchange -> {
            boolean declared = exchange.getRequestURI().getPath().endsWith("/declared");
            long total = 4L << 30;
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, declared ? total : 0);
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try (OutputStream out = exchange.getResponseBody()) {
                for (long sent = 0; sent < total; sent += chunk.length) {
                    out.write(chunk);
                }
            } catch (IOException gone) {
                // the client hung up
            }
        });
        server.start();
        c = newOrg();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private Run runHttp(String path) {
        var r = runner(c, """
                steps:
                  - {id: call, type: http, with: {method: GET, url: "%s"}}
                """.formatted(url(path)));
        Run started = c.runs().start(r.id(), StartRun.of(null));
        return c.runs().await(started.id(), Duration.ofSeconds(30));
    }

    @Test
    void aBodyThatTricklesInEndsAtTheDefaultStepTimeout() {
        long t0 = System.nanoTime();
        Run run = runHttp("/trickle");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString()).contains("timed out");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aHugeBodyFailsFastAsTooLargeWithoutBeingBuffered() {
        for (String path : new String[] {"/huge/chunked", "/huge/declared"}) {
            long t0 = System.nanoTime();
            Run run = runHttp(path);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(run.status()).as(path).isEqualTo("failed");
            assertThat(run.error().path("message").asString()).as(path)
                    .contains("over the limit of 1048576 bytes").contains("griddle.engine.max-step-output");
            assertThat(took).as(path).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aStepsOwnTimeoutStillWins() {
        var r = runner(c, """
                steps:
                  - {id: call, type: http, timeout_ms: 500, with: {method: GET, url: "%s"}}
                """.formatted(url("/trickle")));
        long t0 = System.nanoTime();
        Run run = c.runs().await(c.runs().start(r.id(), StartRun.of(null)).id(), Duration.ofSeconds(30));
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString()).contains("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1900));
    }
}

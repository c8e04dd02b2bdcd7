package dev.griddle.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Both bounds of one exchange, against a real server on loopback: the deadline covers the body, and the byte cap fails or cuts. */
class BoundedBodyTest {

    HttpServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/trickle", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 100; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException gone) {
                // the client hung up
            }
        });
        server.createContext("/bytes", exchange -> {
            byte[] body = "0123456789".repeat(100).getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path)).timeout(Duration.ofSeconds(30)).build();
    }

    private static long in(Duration d) {
        return System.nanoTime() + d.toNanos();
    }

    @Test
    void theDeadlineCoversTheBodyNotJustTheHeaders() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> BoundedBody.send(http, get("/trickle"), 1 << 20, BoundedBody.Overflow.FAIL, in(Duration.ofMillis(500))))
                .isInstanceOf(HttpTimeoutException.class).hasMessageContaining("no complete response within");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aBodyOverTheLimitFailsOrIsCut() throws Exception {
        assertThatThrownBy(() -> BoundedBody.send(http, get("/bytes"), 999, BoundedBody.Overflow.FAIL, in(Duration.ofSeconds(5))))
                .isInstanceOf(BoundedBody.TooLarge.class).hasMessageContaining("1000 bytes (Content-Length), over the limit of 999 bytes");
        HttpResponse<byte[]> cut = BoundedBody.send(http, get("/bytes"), 15, BoundedBody.Overflow.TRUNCATE, in(Duration.ofSeconds(5)));
        assertThat(new String(cut.body())).isEqualTo("012345678901234");
        HttpResponse<byte[]> whole = BoundedBody.send(http, get("/bytes"), 1000, BoundedBody.Overflow.FAIL, in(Duration.ofSeconds(5)));
        assertThat(whole.body()).hasSize(1000);
    }
}

package dev.griddle.server.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.server.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM drains: a request already in flight completes, new connections are refused, and the
 * process then exits 0.
 */
class GracefulShutdownIT {

    private static final String KEY = "grd_live_GracefulItBootstrapKey00000000000";

    @Test
    void requestInFlightCompletesAfterSigterm() throws Exception {
        Map<String, String> env = Map.of("GRIDDLE_DATABASE_URL", TestDatabase.another(), "GRIDDLE_BOOTSTRAP_ADMIN_KEY", KEY);
        try (ServerProcess server = ServerProcess.start("graceful", env).awaitHealthy(Duration.ofSeconds(90))) {
            byte[] body = "{\"name\": \"created-while-stopping\", \"description\": \"streamed slowly across a SIGTERM\"}"
                    .getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, 10);
                out.flush();
                Thread.sleep(300); // let the server read the headers and enter the controller

                server.terminate();
                await("new connections refused once shutdown began").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                        .until(() -> refused(server.port()));
                assertThat(server.isAlive()).as("server still draining").isTrue();

                streamSlowly(out, body, 10, Duration.ofSeconds(2));
                String response = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
                assertThat(response).startsWith("HTTP/1.1 201").contains("created-while-stopping");
            }
            assertThat(server.awaitExit(Duration.ofSeconds(60))).as("exit code after a graceful stop").isZero();
            assertThat(server.logText()).contains("Graceful shutdown complete");
        }
    }

    private static boolean refused(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The rest of {@code body} from {@code offset}, in ten pieces spread over {@code over}. */
    private static void streamSlowly(OutputStream out, byte[] body, int offset, Duration over) throws IOException, InterruptedException {
        int pieces = 10;
        int remaining = body.length - offset;
        for (int i = 0; i < pieces; i++) {
            int from = offset + remaining * i / pieces;
            int to = offset + remaining * (i + 1) / pieces;
            out.write(body, from, to - from);
            out.flush();
            Thread.sleep(over.toMillis() / pieces);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}

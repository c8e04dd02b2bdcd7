package dev.griddle.worker.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The packaged server on an embedded PostgreSQL in {@code dataDir}, on {@code port}. */
public final class ServerProcess extends ChildProcess {

    private final int port;

    private ServerProcess(String name, Map<String, String> env, int port) {
        super(name, "griddle.server.jar", env, List.of());
        this.port = port;
    }

    public static ServerProcess start(String name, Path dataDir, int port, String adminKey, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("GRIDDLE_DATA_DIR", dataDir.toString());
        env.put("GRIDDLE_BOOTSTRAP_ADMIN_KEY", adminKey);
        return new ServerProcess(name, env, port);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public ServerProcess awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited before it was healthy; log ends:\n" + logTail(40));
            }
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/healthz")).timeout(Duration.ofSeconds(2)).build();
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    remember();
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(name + " was not healthy within " + timeout + "; log ends:\n" + logTail(40));
    }
}

package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunnerModels.Runner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server on loopback streams a 300 MiB body (chunked, no Content-Length, generated as it goes):
 * an {@code http} step and a custom HTTP tool both fail with the size error naming
 * {@code griddle.engine.max-step-output}, and the whole JVM allocates a small part of 300 MiB
 * while they do (buffering the body would allocate all of it at least once).
 */
class HugeHttpBodyTest extends LlmTestBase {

    private static final long BODY = 300L << 20;

    HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/huge", exchange -> {
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (long sent = 0; sent < BODY; sent += chunk.length) {
                    out.write(chunk);
                }
            } catch (IOException hungUp) {
                // the client stopped reading at its limit
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/huge";
    }

    @Test
    void anHttpStepFailsOnA300MebibyteBodyWithoutBufferingIt() {
        GriddleClient client = newOrg();
        Runner runner = runner(client, "steps:\n  - {id: big, type: http, with: {method: GET, url: \"%s\"}}\n".formatted(url()));
        long before = IntegrationSizeLimitsTest.allocated();
        Run run = runToEnd(client, runner.id(), null);
        long grew = IntegrationSizeLimitsTest.allocated() - before;
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString())
                .contains("the response body is longer, over the limit of 1048576 bytes (griddle.engine.max-step-output)");
        assertThat(grew).as("bytes allocated by the JVM during the run").isLessThan(BODY / 4);
    }

    @Test
    void aCustomHttpToolFailsOnA300MebibyteBodyWithoutBufferingIt() {
        GriddleClient client = newOrg();
        String toolId = send(client, "POST", "/api/v1/tools", """
                {"name": "dump", "parameters": {"type": "object", "properties": {}}, "http": {"method": "GET", "url": "%s"}}
                """.formatted(url())).path("id").asString();
        Runner runner = runner(client, "steps:\n  - {id: call, type: tool, with: {tool: dump}}\n");
        send(client, "POST", "/api/v1/runners/" + runner.id() + "/tools", "{\"tool_id\": \"" + toolId + "\"}");
        long before = IntegrationSizeLimitsTest.allocated();
        Run run = runToEnd(client, runner.id(), null);
        long grew = IntegrationSizeLimitsTest.allocated() - before;
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString())
                .contains("dump: GET", "over the limit of 1048576 bytes (griddle.engine.max-step-output)");
        assertThat(grew).as("bytes allocated by the JVM during the run").isLessThan(BODY / 4);
    }
}

package dev.griddle.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible streaming provider for {@code firsttoken}, on 127.0.0.1 and a fixed port
 * (the server under test is started with {@code GRIDDLE_OPENAI_BASE_URL} pointing here). Each
 * request is answered after {@code thinkMillis} with {@code chunks} content chunks {@code gapMillis}
 * apart, then usage and {@code [DONE]}. It records when it flushed the first chunk of the latest
 * answer ({@link System#nanoTime}, the same clock as the bench's client).
 */
final class StreamingProvider implements AutoCloseable {

    private static final byte[] USAGE_AND_DONE = ("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}\n\ndata: [DONE]\n\n")
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final long thinkMillis;
    private final int chunks;
    private final long gapMillis;
    private final AtomicLong firstChunkNanos = new AtomicLong();

    private StreamingProvider(HttpServer server, long thinkMillis, int chunks, long gapMillis) {
        this.server = server;
        this.thinkMillis = thinkMillis;
        this.chunks = chunks;
        this.gapMillis = gapMillis;
    }

    static StreamingProvider start(int port, long thinkMillis, int chunks, long gapMillis) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        StreamingProvider provider = new StreamingProvider(server, thinkMillis, chunks, gapMillis);
        server.createContext("/", provider::handle);
        server.setExecutor(provider.threads);
        server.start();
        return provider;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** When the first chunk of the latest answer was flushed; 0 before any. */
    long firstChunkNanos() {
        return firstChunkNanos.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            Thread.sleep(thinkMillis);
            for (int i = 0; i < chunks; i++) {
                if (i > 0) {
                    Thread.sleep(gapMillis);
                }
                out.write(chunk("{\"content\":\"word" + i + " \"}", null));
                out.flush();
                if (i == 0) {
                    firstChunkNanos.set(System.nanoTime());
                }
            }
            out.write(chunk("{}", "\"stop\""));
            out.write(USAGE_AND_DONE);
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] chunk(String delta, String finishReason) {
        return ("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":" + finishReason + "}]}\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.close();
    }
}

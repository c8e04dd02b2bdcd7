package dev.griddle.server.trace;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1: the endpoint http steps call ({@code /ok}, {@code /status/N},
 * {@code /flaky/K} fails K times then succeeds) and an OTLP/HTTP collector ({@code POST /v1/traces}),
 * which records every export it receives.
 */
final class LoopbackServer {

    record Export(String contentType, String body) {
    }

    private final HttpServer server;
    final List<Export> exports = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> flaky = new ConcurrentHashMap<>();

    LoopbackServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            int status = 200;
            if (path.equals("/v1/traces")) {
                exports.add(new Export(exchange.getRequestHeaders().getFirst("Content-Type"), body));
            } else if (path.startsWith("/status/")) {
                status = Integer.parseInt(path.substring(8));
            } else if (path.startsWith("/flaky/")) {
                int failures = Integer.parseInt(path.substring(7).split("/")[0]);
                status = flaky.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet() <= failures ? 503 : 200;
            }
            byte[] bytes = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }
}

package dev.griddle.server.run;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback standing in for the systems runs call: {@code /echo} answers the
 * request body as JSON, {@code /status/N} answers N, {@code /flaky/K} fails K times then succeeds,
 * {@code /slow/MS} answers after MS milliseconds. Records every request it received.
 */
final class EchoServer implements AutoCloseable {

    record Received(String method, String path, String body, Map<String, List<String>> headers) {
    }

    private final HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> flaky = new ConcurrentHashMap<>();

    EchoServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(), body, Map.copyOf(exchange.getRequestHeaders())));
            int status = 200;
            String response = "{\"method\":\"" + exchange.getRequestMethod() + "\",\"path\":\"" + path + "\",\"body\":" + (body.isEmpty() ? "null" : json(body)) + "}";
            if (path.startsWith("/status/")) {
                status = Integer.parseInt(path.substring(8));
            } else if (path.startsWith("/flaky/")) {
                int failures = Integer.parseInt(path.substring(7).split("/")[0]);
                int n = flaky.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                status = n <= failures ? 503 : 200;
            } else if (path.startsWith("/slow/")) {
                try {
                    Thread.sleep(Long.parseLong(path.substring(6)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (path.startsWith("/text")) {
                byte[] bytes = "plain words".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
                return;
            } else if (path.startsWith("/big/")) {
                response = "{\"data\":\"" + "x".repeat(Integer.parseInt(path.substring(5))) + "\"}";
            }
            byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    private static String json(String body) {
        String trimmed = body.trim();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            return trimmed;
        }
        return "\"" + trimmed.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    long count(String pathPrefix) {
        return received.stream().filter(r -> r.path().startsWith(pathPrefix)).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.griddle.server.tool.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stands in for the Brave Search API ({@code GET /res/v1/web/search}) and Tavily
 * ({@code POST /search}) on 127.0.0.1, and serves the pages {@code /a} and {@code /b} their
 * results point to. Records every API request. A query containing {@code denied} is answered 401
 * (echoing the presented key, as a careless API might), {@code limited} 429, {@code broken} 503.
 */
final class FakeSearchApi implements AutoCloseable {

    record Request(String method, String path, Map<String, String> query, Map<String, String> headers, JsonNode body) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeSearchApi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/res/v1/web/search", this::brave);
        server.createContext("/search", this::tavily);
        server.createContext("/a", e -> send(e, 200, "text/html", "<html><head><title>Page A</title></head><body><p>Alpha text</p></body></html>"));
        server.createContext("/b", e -> send(e, 200, "text/html", "<html><head><title>Page B</title></head><body><p>Beta text</p></body></html>"));
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        return requests;
    }

    private Request record(HttpExchange e) throws IOException {
        Map<String, String> query = new HashMap<>();
        String raw = e.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        Map<String, String> headers = new HashMap<>();
        e.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
        byte[] body = e.getRequestBody().readAllBytes();
        Request r = new Request(e.getRequestMethod(), e.getRequestURI().getPath(), query, headers, body.length == 0 ? null : JSON.readTree(body));
        requests.add(r);
        return r;
    }

    private void brave(HttpExchange e) throws IOException {
        Request r = record(e);
        String q = r.query().getOrDefault("q", "");
        if (failed(e, q, r.headers().getOrDefault("x-subscription-token", ""))) {
            return;
        }
        send(e, 200, "application/json", """
                {"type": "search", "query": {"original": "%s"}, "web": {"type": "search", "results": [
                  {"title": "Page <strong>A</strong>", "url": "%s/a", "description": "About <strong>alpha</strong>", "age": "1 day"},
                  {"title": "Page B", "url": "%s/b", "description": "About beta"},
                  {"title": "Page C", "url": "%s/c", "description": "About gamma"}]}}
                """.formatted(q.replace("\"", ""), base(), base(), base()));
    }

    private void tavily(HttpExchange e) throws IOException {
        Request r = record(e);
        String q = r.body() == null ? "" : r.body().path("query").asString("");
        if (failed(e, q, r.headers().getOrDefault("authorization", ""))) {
            return;
        }
        send(e, 200, "application/json", """
                {"query": "%s", "answer": null, "images": [], "response_time": 0.42, "results": [
                  {"title": "Page A", "url": "%s/a", "content": "Alpha content", "score": 0.9, "raw_content": null},
                  {"title": "Page B", "url": "%s/b", "content": "Beta content", "score": 0.8, "raw_content": null}]}
                """.formatted(q.replace("\"", ""), base(), base()));
    }

    private static boolean failed(HttpExchange e, String q, String presentedKey) throws IOException {
        if (q.contains("denied")) {
            send(e, 401, "application/json", "{\"error\": \"invalid subscription token '" + presentedKey + "'\"}");
        } else if (q.contains("limited")) {
            send(e, 429, "application/json", "{\"error\": \"rate limit exceeded\"}");
        } else if (q.contains("broken")) {
            send(e, 503, "text/plain", "upstream unavailable");
        } else {
            return false;
        }
        return true;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

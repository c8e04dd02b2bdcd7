package dev.griddle.server.replay;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A server we do not own, on loopback: a model provider (OpenAI wire format) or a web API, answering
 * JSON from what a function makes of the request (its path and query, and its body). It counts the
 * requests it got and can be shut down for real, to show a replay needs neither.
 */
public final class FakeServer {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final int port;
    private volatile Function<Request, String> answer;
    public final AtomicInteger requests = new AtomicInteger();

    public record Request(String pathAndQuery, JsonNode body) {
    }

    public FakeServer(Function<Request, String> answer) {
        this.answer = answer;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public void answer(Function<Request, String> answer) {
        this.answer = answer;
    }

    public void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String uri = exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        byte[] bytes = answer.apply(new Request(uri, body.isBlank() ? null : JSON.readTree(body))).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Date", java.time.Instant.now().toString());
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** An OpenAI chat completion answering {@code text}. */
    public static String completion(String text, int in, int out) {
        return """
                {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",
                 "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}
                """.formatted(JSON.writeValueAsString(text), in, out, in + out);
    }

    /** The last user message of an OpenAI chat request. */
    public static String prompt(JsonNode body) {
        JsonNode messages = body.path("messages");
        return messages.get(messages.size() - 1).path("content").toString();
    }
}

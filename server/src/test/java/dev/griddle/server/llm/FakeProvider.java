package dev.griddle.server.llm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model provider on loopback speaking the OpenAI ({@code /v1/chat/completions}) and Anthropic
 * ({@code /v1/messages}) wire formats. Tests script replies per tag: a request whose body contains
 * the tag gets the tag's next reply (the last one repeats), or what the tag's responder makes of the
 * request. Every request is recorded.
 */
final class FakeProvider {

    /** A scripted answer: a status, headers and a body (built by the helpers below). */
    record Reply(int status, Map<String, String> headers, String body) {
    }

    record Received(String path, String tag, JsonNode body, Map<String, List<String>> headers, long atNanos) {
    }

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static FakeProvider shared;

    private final HttpServer server;
    private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Function<JsonNode, Reply>> responders = new ConcurrentHashMap<>();
    final List<Received> received = new CopyOnWriteArrayList<>();

    static synchronized FakeProvider shared() {
        if (shared == null) {
            shared = new FakeProvider();
        }
        return shared;
    }

    private FakeProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    void script(String tag, Reply... replies) {
        scripts.put(tag, new ArrayDeque<>(List.of(replies)));
    }

    /** Replies to requests carrying {@code tag} with whatever {@code responder} makes of the request body. */
    void respond(String tag, Function<JsonNode, Reply> responder) {
        responders.put(tag, responder);
    }

    List<Received> requests(String tag) {
        return received.stream().filter(r -> tag.equals(r.tag())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String tag = java.util.stream.Stream.concat(scripts.keySet().stream(), responders.keySet().stream()).filter(body::contains).findFirst()
                .orElse(null);
        JsonNode parsed = body.isBlank() ? null : JSON.readTree(body);
        received.add(new Received(exchange.getRequestURI().getPath(), tag, parsed, Map.copyOf(exchange.getRequestHeaders()), System.nanoTime()));
        Reply reply;
        if (tag != null && responders.containsKey(tag)) {
            reply = responders.get(tag).apply(parsed);
        } else if (tag == null) {
            reply = new Reply(500, Map.of(), "{\"error\":{\"message\":\"no script for this request\"}}");
        } else {
            Deque<Reply> queue = scripts.get(tag);
            synchronized (queue) {
                reply = queue.size() > 1 ? queue.poll() : queue.peek();
            }
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        if (!reply.headers().containsKey("Content-Type")) {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
        }
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    // ---- OpenAI wire format

    static Reply openAiText(String text, int in, int out) {
        return new Reply(200, Map.of(), """
                {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",
                 "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}
                """.formatted(JSON.writeValueAsString(text), in, out, in + out));
    }

    static Reply openAiToolCall(String id, String name, String argumentsJson, int in, int out) {
        return new Reply(200, Map.of(), """
                {"id":"chatcmpl-2","object":"chat.completion","created":1,"model":"m",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,
                   "tool_calls":[{"id":"%s","type":"function","function":{"name":"%s","arguments":%s}}]},"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}
                """.formatted(id, name, JSON.writeValueAsString(argumentsJson), in, out, in + out));
    }

    /** A streamed answer ({@code "stream": true}): the text in one chunk, then usage and {@code [DONE]}, as server-sent events. */
    static Reply openAiStream(String text) {
        String chunk = """
                {"id":"chatcmpl-3","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":%s}}]}\
                """.formatted(JSON.writeValueAsString(text));
        String end = """
                {"id":"chatcmpl-3","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},\
                "finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\
                """;
        return new Reply(200, Map.of("Content-Type", "text/event-stream"), "data: " + chunk + "\n\ndata: " + end + "\n\ndata: [DONE]\n\n");
    }

    static Reply error(int status, String message, Map<String, String> headers) {
        return new Reply(status, headers, "{\"error\":{\"message\":" + JSON.writeValueAsString(message) + ",\"type\":\"x\"}}");
    }

    // ---- Anthropic wire format

    static Reply anthropicText(String text, int in, int out) {
        return new Reply(200, Map.of(), """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude","stop_reason":"end_turn",
                 "content":[{"type":"text","text":%s}],"usage":{"input_tokens":%d,"output_tokens":%d}}
                """.formatted(JSON.writeValueAsString(text), in, out));
    }
}

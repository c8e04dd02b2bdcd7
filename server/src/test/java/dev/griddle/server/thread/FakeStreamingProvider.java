package dev.griddle.server.thread;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible provider on loopback that streams ({@code stream: true}): each scripted
 * reply is a list of steps — a text chunk, a pause, a tool call — sent as {@code data: {...}} chunks
 * and flushed one by one. A request whose body contains a tag gets that tag's next reply (the last
 * repeats). It records when it flushed each reply's first and last chunk, and whether the client
 * hung up before the end.
 */
final class FakeStreamingProvider {

    sealed interface Step {
    }

    record Text(String text) implements Step {
    }

    record Pause(long millis) implements Step {
    }

    record Call(String name, String arguments) implements Step {
    }

    record Served(String tag, JsonNode body, long firstChunkNanos, long lastChunkNanos, boolean clientHungUp) {
    }

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final Map<String, Deque<List<Step>>> scripts = new ConcurrentHashMap<>();
    final List<Served> served = new CopyOnWriteArrayList<>();

    FakeStreamingProvider() {
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

    @SafeVarargs
    final void script(String tag, List<Step>... replies) {
        scripts.put(tag, new ArrayDeque<>(List.of(replies)));
    }

    List<Served> servedFor(String tag) {
        return served.stream().filter(s -> tag.equals(s.tag())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String tag = scripts.keySet().stream().filter(raw::contains).findFirst().orElse(null);
        List<Step> steps = tag == null ? List.of(new Text("no script")) : next(tag);
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        long first = 0;
        long last = 0;
        boolean hungUp = false;
        boolean calledTool = false;
        try (OutputStream out = exchange.getResponseBody()) {
            int toolIndex = 0;
            for (Step step : steps) {
                switch (step) {
                    case Pause p -> Thread.sleep(p.millis());
                    case Text t -> {
                        send(out, delta(JSON.createObjectNode().put("content", t.text())), null);
                        last = System.nanoTime();
                        first = first == 0 ? last : first;
                    }
                    case Call c -> {
                        ObjectNode delta = JSON.createObjectNode();
                        delta.putArray("tool_calls").addObject().put("index", toolIndex).put("id", "call_" + toolIndex++).put("type", "function")
                                .putObject("function").put("name", c.name()).put("arguments", c.arguments());
                        send(out, delta(delta), null);
                        calledTool = true;
                    }
                }
            }
            ObjectNode end = JSON.createObjectNode();
            end.putArray("choices").addObject().put("index", 0).put("finish_reason", calledTool ? "tool_calls" : "stop").putObject("delta");
            end.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
            send(out, end, null);
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            hungUp = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            served.add(new Served(tag, JSON.readTree(raw), first, last, hungUp));
        }
    }

    private synchronized List<Step> next(String tag) {
        Deque<List<Step>> queue = scripts.get(tag);
        return queue.size() > 1 ? queue.removeFirst() : queue.peekFirst();
    }

    private static ObjectNode delta(ObjectNode delta) {
        ObjectNode chunk = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("created", 1)
                .put("model", "test-model");
        chunk.putArray("choices").addObject().put("index", 0).set("delta", delta);
        return chunk;
    }

    private static void send(OutputStream out, ObjectNode chunk, String unused) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}

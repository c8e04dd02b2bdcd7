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
 * A streaming model provider on loopback: each scripted reply is a list of steps — a text chunk, a
 * pause, a tool call — sent chunk by chunk and flushed one by one, in the wire format the request's
 * path asks for: OpenAI ({@code /v1/chat/completions}, {@code data: {...}} chunks), Anthropic
 * ({@code /v1/messages}: {@code message_start}, {@code content_block_start/delta/stop} with
 * {@code input_json_delta} for tool input, {@code message_delta} with usage, {@code message_stop})
 * or Ollama ({@code /api/chat}, newline-delimited JSON). Every reply reports 10 input and 5 output
 * tokens. A request whose body contains a tag gets that tag's next reply (the last repeats). It
 * records when it flushed each reply's first and last chunk, and whether the client hung up.
 */
public final class FakeStreamingProvider {

    public sealed interface Step {
    }

    public record Text(String text) implements Step {
    }

    public record Pause(long millis) implements Step {
    }

    record Call(String name, String arguments) implements Step {
    }

    record Served(String path, String tag, JsonNode body, long firstChunkNanos, long lastChunkNanos, boolean clientHungUp) {
    }

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final Map<String, Deque<List<Step>>> scripts = new ConcurrentHashMap<>();
    final List<Served> served = new CopyOnWriteArrayList<>();

    public FakeStreamingProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Where LangChain4j's Anthropic client is pointed (it appends {@code messages}). */
    String anthropicBaseUrl() {
        return baseUrl() + "/";
    }

    /** Where LangChain4j's Ollama client is pointed (it appends {@code /api/chat}). */
    String ollamaBaseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @SafeVarargs
    public final void script(String tag, List<Step>... replies) {
        scripts.put(tag, new ArrayDeque<>(List.of(replies)));
    }

    List<Served> servedFor(String tag) {
        return served.stream().filter(s -> tag.equals(s.tag())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        String tag = scripts.keySet().stream().filter(raw::contains).findFirst().orElse(null);
        List<Step> steps = tag == null ? List.of(new Text("no script")) : next(tag);
        Wire wire = path.endsWith("/messages") ? new Anthropic() : path.endsWith("/api/chat") ? new Ollama() : new OpenAi();
        exchange.getResponseHeaders().add("Content-Type", wire instanceof Ollama ? "application/x-ndjson" : "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        long first = 0;
        long last = 0;
        boolean hungUp = false;
        boolean recorded = false;
        try (OutputStream out = exchange.getResponseBody()) {
            wire.start(out);
            for (Step step : steps) {
                switch (step) {
                    case Pause p -> Thread.sleep(p.millis());
                    case Text t -> {
                        wire.text(out, t.text());
                        last = System.nanoTime();
                        first = first == 0 ? last : first;
                    }
                    case Call c -> wire.call(out, c);
                }
            }
            // recorded before the end marker: the client may finish its turn (and a test read this list) as soon as it sees the end
            served.add(new Served(path, tag, JSON.readTree(raw), first, last, false));
            recorded = true;
            wire.end(out);
        } catch (IOException e) {
            hungUp = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!recorded) {
                served.add(new Served(path, tag, JSON.readTree(raw), first, last, hungUp));
            }
        }
    }

    /** One provider's streaming format. */
    private sealed interface Wire {
        default void start(OutputStream out) throws IOException {
        }

        void text(OutputStream out, String text) throws IOException;

        void call(OutputStream out, Call call) throws IOException;

        void end(OutputStream out) throws IOException;
    }

    private static final class OpenAi implements Wire {
        private int toolIndex;

        @Override
        public void text(OutputStream out, String text) throws IOException {
            send(out, delta(JSON.createObjectNode().put("content", text)), null);
        }

        @Override
        public void call(OutputStream out, Call c) throws IOException {
            ObjectNode delta = JSON.createObjectNode();
            delta.putArray("tool_calls").addObject().put("index", toolIndex).put("id", "call_" + toolIndex++).put("type", "function")
                    .putObject("function").put("name", c.name()).put("arguments", c.arguments());
            send(out, delta(delta), null);
        }

        @Override
        public void end(OutputStream out) throws IOException {
            ObjectNode end = JSON.createObjectNode();
            end.putArray("choices").addObject().put("index", 0).put("finish_reason", toolIndex > 0 ? "tool_calls" : "stop").putObject("delta");
            end.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
            send(out, end, null);
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** Anthropic Messages API events; text goes to one text block, each tool call to a tool_use block of its own. */
    private static final class Anthropic implements Wire {
        private int index = -1;
        private boolean inText;
        private boolean calledTool;

        @Override
        public void start(OutputStream out) throws IOException {
            ObjectNode message = JSON.createObjectNode().put("id", "msg_1").put("type", "message").put("role", "assistant").put("model", "claude");
            message.putArray("content");
            message.putObject("usage").put("input_tokens", 10).put("output_tokens", 1);
            event(out, "message_start", JSON.createObjectNode().put("type", "message_start").set("message", message));
        }

        @Override
        public void text(OutputStream out, String text) throws IOException {
            if (!inText) {
                ObjectNode block = JSON.createObjectNode().put("type", "content_block_start").put("index", ++index);
                block.putObject("content_block").put("type", "text").put("text", "");
                event(out, "content_block_start", block);
                inText = true;
            }
            ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
            delta.putObject("delta").put("type", "text_delta").put("text", text);
            event(out, "content_block_delta", delta);
        }

        @Override
        public void call(OutputStream out, Call c) throws IOException {
            closeBlock(out);
            ObjectNode block = JSON.createObjectNode().put("type", "content_block_start").put("index", ++index);
            block.putObject("content_block").put("type", "tool_use").put("id", "toolu_" + index).put("name", c.name()).putObject("input");
            event(out, "content_block_start", block);
            // the input arrives in pieces, as Anthropic sends it
            String json = c.arguments();
            int half = json.length() / 2;
            for (String piece : List.of(json.substring(0, half), json.substring(half))) {
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                delta.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
                event(out, "content_block_delta", delta);
            }
            event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", index));
            calledTool = true;
        }

        @Override
        public void end(OutputStream out) throws IOException {
            closeBlock(out);
            ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
            delta.putObject("delta").put("stop_reason", calledTool ? "tool_use" : "end_turn").putNull("stop_sequence");
            delta.putObject("usage").put("output_tokens", 5);
            event(out, "message_delta", delta);
            event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
        }

        private void closeBlock(OutputStream out) throws IOException {
            if (inText) {
                event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", index));
                inText = false;
            }
        }

        private static void event(OutputStream out, String name, ObjectNode data) throws IOException {
            out.write(("event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** Ollama's {@code /api/chat} stream: one JSON object a line, tool calls with their arguments as objects, usage on the last line. */
    private static final class Ollama implements Wire {
        @Override
        public void text(OutputStream out, String text) throws IOException {
            line(out, chunk(text, false));
        }

        @Override
        public void call(OutputStream out, Call c) throws IOException {
            ObjectNode chunk = chunk("", false);
            ((ObjectNode) chunk.get("message")).putArray("tool_calls").addObject().putObject("function").put("name", c.name())
                    .set("arguments", JSON.readTree(c.arguments()));
            line(out, chunk);
        }

        @Override
        public void end(OutputStream out) throws IOException {
            line(out, chunk("", true).put("done_reason", "stop").put("prompt_eval_count", 10).put("eval_count", 5));
        }

        private static ObjectNode chunk(String text, boolean done) {
            ObjectNode chunk = JSON.createObjectNode().put("model", "llama").put("created_at", "2026-01-01T00:00:00Z");
            chunk.putObject("message").put("role", "assistant").put("content", text);
            return chunk.put("done", done);
        }

        private static void line(OutputStream out, ObjectNode chunk) throws IOException {
            out.write((JSON.writeValueAsString(chunk) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
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

package dev.griddle.sdk;

import dev.griddle.sdk.AgentModels.ChatEvent;
import dev.griddle.sdk.AgentModels.ChatThread;
import dev.griddle.sdk.AgentModels.ThreadMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/threads}: conversations with an agent; answers stream back token by token. */
public final class ThreadsClient {

    /** The answer ended with an {@code error} event. */
    public static final class TurnFailedException extends RuntimeException {
        private final String code;

        TurnFailedException(String code, String message) {
            super(code + ": " + message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Transport http;

    ThreadsClient(Transport http) {
        this.http = http;
    }

    public ChatThread create(UUID agentId, String title) {
        return create(agentId, title, null);
    }

    /** {@code user} (null: none) names whom the agent talks with: its memory tools remember and recall that user's entries. */
    public ChatThread create(UUID agentId, String title, String user) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent_id", agentId);
        if (title != null) {
            body.put("title", title);
        }
        if (user != null) {
            body.put("user", user);
        }
        return http.call("POST", "/api/v1/threads", body, ChatThread.class);
    }

    /** {@code agentId}: a filter, or null for every thread. Newest first. */
    public Page<ChatThread> list(UUID agentId, PageRequest page) {
        return http.page("/api/v1/threads?" + (agentId == null ? "" : "agent_id=" + agentId + "&") + page.query(), ChatThread.class);
    }

    public ChatThread get(UUID id) {
        return http.call("GET", "/api/v1/threads/" + id, null, ChatThread.class);
    }

    /** Oldest first. */
    public Page<ThreadMessage> messages(UUID id, PageRequest page) {
        return http.page("/api/v1/threads/" + id + "/messages?" + page.query(), ThreadMessage.class);
    }

    /**
     * Sends a message and blocks while the answer streams, handing every event to {@code onEvent}
     * as it arrives; returns the stored answer ({@code status} completed or stopped).
     *
     * @throws GriddleApiException before the stream starts (404, 409 while another answer is being written, 422)
     * @throws TurnFailedException when the answer ends with an {@code error} event
     */
    public ThreadMessage send(UUID id, String content, Consumer<ChatEvent> onEvent) {
        ThreadMessage answer = null;
        try (InputStream body = http.stream("POST", "/api/v1/threads/" + id + "/messages", Map.of("content", content),
                Map.of("Accept", "text/event-stream"));
                BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String type = null;
            StringBuilder data = new StringBuilder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("event:")) {
                    type = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                } else if (line.isEmpty() && !data.isEmpty()) {
                    JsonNode node = Transport.JSON.readTree(data.toString());
                    data.setLength(0);
                    ChatEvent event = new ChatEvent(type, node);
                    if (onEvent != null) {
                        onEvent.accept(event);
                    }
                    if ("message.completed".equals(type)) {
                        answer = Transport.JSON.treeToValue(node.path("message"), ThreadMessage.class);
                    } else if ("error".equals(type)) {
                        throw new TurnFailedException(node.path("code").asString(), node.path("message").asString());
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the answer stream of thread " + id + " broke: " + e.getMessage(), e);
        }
        return answer;
    }

    /** Stops the answer being written; whether one was. The partial answer is kept with status {@code stopped}. */
    public boolean stop(UUID id) {
        return http.call("POST", "/api/v1/threads/" + id + "/stop", null, JsonNode.class).path("stopped").asBoolean();
    }
}

package dev.griddle.server.interop.mcp;

import dev.griddle.server.store.PgNotifications;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * MCP's {@code notifications/cancelled} for tool calls in progress. A stateless client may send
 * the notification to any node, so it goes out by {@code NOTIFY} and the node that holds the call
 * cancels its run (or stops its agent's turn). A call is known by its key and JSON-RPC request id:
 * one key cannot cancel another's calls.
 */
@Component
class McpCancellations {

    static final String CHANNEL = "griddle_mcp_cancel";

    private final PgNotifications notifications;
    private final Map<String, Runnable> local = new ConcurrentHashMap<>();

    McpCancellations(PgNotifications notifications) {
        this.notifications = notifications;
        notifications.listen(CHANNEL, payload -> {
            Runnable cancel = local.remove(payload);
            if (cancel != null) {
                cancel.run();
            }
        });
    }

    /** The call's handle: the key's id and the request id (base64url, so that no payload holds a comma). */
    static String handle(UUID keyId, Object requestId) {
        return keyId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(String.valueOf(requestId).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code cancel} runs if the call is cancelled before {@link #done}. */
    void register(String handle, Runnable cancel) {
        local.put(handle, cancel);
    }

    void done(String handle) {
        local.remove(handle);
    }

    /** Asks every node to cancel the key's call {@code requestId}. */
    void cancel(UUID keyId, Object requestId) {
        notifications.publishAfterCommit(CHANNEL, handle(keyId, requestId));
    }
}

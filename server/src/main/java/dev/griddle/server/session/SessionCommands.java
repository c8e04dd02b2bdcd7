package dev.griddle.server.session;

import dev.griddle.server.web.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Commands for a running session's worker (a message on stdin, exec, put_file, get_file): each is
 * queued for the worker's next poll, and exec and the file commands wait for the result the worker
 * reports, up to a timeout. Only a session placed on a worker takes them.
 */
@Component
class SessionCommands {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SessionStore store;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final SessionProperties props;

    SessionCommands(SessionStore store, TransactionTemplate tx, Clock clock, SessionProperties props) {
        this.store = store;
        this.tx = tx;
        this.clock = clock;
        this.props = props;
    }

    /** A line on the session's stdin; 409 unless its child runs. */
    void message(UUID orgId, UUID id, String content) {
        tx.executeWithoutResult(status -> {
            Session s = store.lock(orgId, id).orElseThrow(() -> ApiException.notFound("session", id));
            requirePlaced(s, "take messages");
            Instant now = clock.instant();
            store.command(orgId, id, s.workerId(), "message", NODES.objectNode().put("content", content), now);
            store.event(orgId, id, "message", NODES.objectNode().put("content", content), now);
        });
    }

    /** Runs a command in the session's working directory and waits for its result; 409 unless the template allows exec. */
    JsonNode exec(UUID orgId, UUID id, JsonNode command, long timeoutMs) {
        long commandId = tx.execute(status -> {
            Session s = store.lock(orgId, id).orElseThrow(() -> ApiException.notFound("session", id));
            requirePlaced(s, "exec");
            if (!s.execAllowed()) {
                throw ApiException.conflict("The template '" + s.template() + "' does not allow exec: its host's operator has not set exec: true");
            }
            ObjectNode body = NODES.objectNode().put("timeout_ms", timeoutMs);
            body.set("command", command);
            return store.command(orgId, id, s.workerId(), "exec", body, clock.instant());
        });
        return await(orgId, commandId, Duration.ofMillis(timeoutMs).plus(props.commandTimeout()));
    }

    /** Writes or reads a file of the workdir through its worker. */
    JsonNode file(UUID orgId, UUID id, String kind, ObjectNode body) {
        long commandId = tx.execute(status -> {
            Session s = store.lock(orgId, id).orElseThrow(() -> ApiException.notFound("session", id));
            requirePlaced(s, "move files");
            return store.command(orgId, id, s.workerId(), kind, body, clock.instant());
        });
        return await(orgId, commandId, props.commandTimeout());
    }

    private JsonNode await(UUID orgId, long commandId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Optional<JsonNode> result = store.commandResult(orgId, commandId);
                if (result.isPresent()) {
                    store.dropCommand(orgId, commandId);
                    if (result.get().has("error")) {
                        throw ApiException.validation("SESSION_COMMAND_FAILED", "The worker refused: " + result.get().path("error").asString(),
                                Map.of());
                    }
                    return result.get();
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.dropCommand(orgId, commandId);
        throw new ApiException(HttpStatus.GATEWAY_TIMEOUT, "SESSION_COMMAND_TIMEOUT", "The session's worker did not answer within " + timeout,
                Map.of(), "Check the worker (GET /api/v1/workers/{id}) and try again.");
    }

    private static void requirePlaced(Session s, String what) {
        if (!s.placed()) {
            throw ApiException.conflict("Session " + s.id() + " is " + s.status() + ": only a starting, running or idle session can " + what);
        }
    }
}

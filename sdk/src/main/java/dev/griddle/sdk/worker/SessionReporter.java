package dev.griddle.sdk.worker;

import dev.griddle.sdk.RawResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The report loop of a session host: a few times a second, ticks every child (idle time, duration
 * cap) and sends up to {@link #BATCH} waiting events a session in one
 * {@code POST /workers/{id}/sessions/report}; the events are dropped from their outboxes only once
 * the server has answered, so an unreachable server loses nothing. Ends once polling has stopped
 * and every child has been reported to its end.
 */
final class SessionReporter {

    private static final Logger log = Logger.getLogger(SessionReporter.class.getName());
    static final int BATCH = 500;

    private final WorkerHttp http;
    private final UUID workerId;
    private final Map<UUID, SessionChild> children;
    private final BooleanSupplier polling;
    private final Consumer<UUID> lost;

    SessionReporter(WorkerHttp http, UUID workerId, Map<UUID, SessionChild> children, BooleanSupplier polling, Consumer<UUID> lost) {
        this.http = http;
        this.workerId = workerId;
        this.children = children;
        this.polling = polling;
        this.lost = lost;
    }

    void run() {
        while (true) {
            try {
                boolean more = reportOnce(Duration.ofSeconds(10));
                if (!more) {
                    if (!polling.getAsBoolean() && children.isEmpty()) {
                        return;
                    }
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.log(Level.WARNING, "Session report failed", e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** One report of every child's waiting events; true when some child has more waiting. */
    private boolean reportOnce(Duration patience) throws InterruptedException {
        children.values().forEach(SessionChild::tick);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode reports = body.putArray("reports");
        Map<SessionChild, Long> sent = new HashMap<>();
        boolean more = false;
        for (SessionChild child : children.values()) {
            List<ObjectNode> events = child.pending(BATCH);
            if (events.isEmpty()) {
                continue;
            }
            more |= events.size() == BATCH;
            ObjectNode report = reports.addObject().put("session_id", child.id.toString()).put("lease_token", child.leaseToken);
            ArrayNode list = report.putArray("events");
            events.forEach(list::add);
            sent.put(child, events.getLast().path("seq").asLong());
        }
        if (sent.isEmpty()) {
            return false;
        }
        RawResponse response = http.post("/api/v1/workers/" + workerId + "/sessions/report", body, patience, () -> true);
        if (response == null) {
            return false; // the server is away: keep everything, try again
        }
        if (response.status() != 200) {
            log.warning(() -> "Session report answered " + response.status() + " " + response.body());
            return false;
        }
        JsonNode answer = WorkerHttp.JSON.readTree(response.body());
        sent.forEach(SessionChild::acknowledge);
        answer.path("lost").forEach(id -> lost.accept(UUID.fromString(id.asString())));
        return more;
    }
}

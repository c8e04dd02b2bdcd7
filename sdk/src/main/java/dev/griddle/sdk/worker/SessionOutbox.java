package dev.griddle.sdk.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * One session's report events, numbered in order and kept until the server acknowledges them. A
 * full outbox blocks the emitter (and so, through its reader, the child on a full pipe) until an
 * acknowledgement makes room, unless the session is abandoned. Retrying the same numbers after a
 * lost answer is what lets the server apply each event once.
 */
final class SessionOutbox {

    /** Events waiting before an emitter blocks. */
    static final int LIMIT = 5000;

    private final List<ObjectNode> events = new ArrayList<>();
    private final BooleanSupplier abandoned;
    private long seq;
    private boolean closed;

    SessionOutbox(BooleanSupplier abandoned) {
        this.abandoned = abandoned;
    }

    synchronized void emit(ObjectNode event) throws InterruptedException {
        while (events.size() >= LIMIT && !abandoned.getAsBoolean()) {
            wait(1000);
        }
        event.put("seq", ++seq);
        events.add(event);
    }

    void emitQuietly(ObjectNode event) {
        try {
            emit(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Emits the session's final event and closes the outbox, in one step so that an
     * acknowledgement cannot see it closed with the final event still unsent; false (and nothing
     * emitted) when it was already closed.
     */
    synchronized boolean emitLast(ObjectNode event) {
        if (closed) {
            return false;
        }
        emitQuietly(event);
        closed = true;
        return true;
    }

    synchronized List<ObjectNode> pending(int max) {
        return List.copyOf(events.subList(0, Math.min(max, events.size())));
    }

    /** Drops the events up to {@code upTo}; true when the outbox is closed and now empty. */
    synchronized boolean acknowledge(long upTo) {
        events.removeIf(e -> e.path("seq").asLong() <= upTo);
        notifyAll();
        return closed && events.isEmpty();
    }
}

package dev.griddle.server.thread;

/**
 * Follows a thread turn in process, for callers that are not an SSE client of the thread API (the
 * MCP and A2A endpoints). Called on the turn's own thread; keep it quick.
 */
public interface TurnListener {

    /** Follows nothing. */
    TurnListener NONE = new TurnListener() {
    };

    /** A piece of the answer's text, as the model streams it. */
    default void delta(String text) {
    }

    /** The turn is over and its answer stored (whatever its status): read it with {@link AgentThreads#exchange}. */
    default void ended() {
    }
}

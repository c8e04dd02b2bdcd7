package dev.griddle.server.engine;

import java.util.UUID;

/**
 * What the engine needs from sessions (package {@code session}, which implements it) for
 * {@code session} steps: start a run step's session in the run's transaction, and end a run's
 * sessions when the run is cancelled or finishes. The step waits without holding an executor
 * slot; the session's news comes back through {@link SessionStepResults}.
 */
public interface SessionSteps {

    /**
     * Starts the step's session.
     *
     * @throws IllegalArgumentException with a message for the step's failure (no host offers the template, the cap)
     */
    UUID start(UUID orgId, UUID projectId, UUID runId, String stepId, String template, String prompt, String waitFor, boolean keep);

    /** Cancels the run's live sessions: all of them when the run was cancelled, else those whose steps are not {@code keep}. */
    void endForRun(UUID orgId, UUID runId, boolean cancelled);

    /** Ends a session whose step gave up on it ({@code timeout_ms}); nothing when it already ended. */
    void endTimedOut(UUID orgId, UUID sessionId);
}

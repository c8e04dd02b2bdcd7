package dev.griddle.server.engine;

import java.util.Set;

/** Task kinds the engine handles itself, without a step executor. */
final class InternalKinds {

    /** A {@code wait} step: done when it becomes ready. */
    static final String WAIT = "wait";
    /** An approval's deadline. */
    static final String APPROVAL_TIMEOUT = "approval_timeout";
    /** A child run finished: deliver its result to the parent's {@code runner} step. */
    static final String CHILD_FINISHED = "child_finished";
    /** Cancel a child run because its parent step was called off. */
    static final String CANCEL_RUN = "cancel_run";

    /** A session step's session exited or went idle: deliver its result to the step. */
    static final String SESSION_REACHED = "session_reached";
    /** A session step's {@code timeout_ms}: the step fails unless its session reached {@code wait_for} first. */
    static final String SESSION_TIMEOUT = "session_timeout";

    /** Issue #18: a remote worker's task on a replay, answered from the recording (or queued for a worker after all). */
    static final String REPLAYED_TASK = "replayed_task";

    static final Set<String> ALL = Set.of(WAIT, APPROVAL_TIMEOUT, CHILD_FINISHED, CANCEL_RUN, SESSION_REACHED, SESSION_TIMEOUT, REPLAYED_TASK);

    private InternalKinds() {
    }
}

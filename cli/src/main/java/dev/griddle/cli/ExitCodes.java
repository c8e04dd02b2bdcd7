package dev.griddle.cli;

import dev.griddle.sdk.RunModels.Run;

/** What the process's exit status tells a script. */
final class ExitCodes {

    static final int SUCCEEDED = 0;
    /** The run failed or was cancelled. */
    static final int RUN_FAILED = 1;
    static final int USAGE = 2;
    /** The API answered an error (or could not be reached), or a name did not resolve. */
    static final int API_ERROR = 3;
    /** {@code --timeout} ran out with the run still running, waiting or paused. */
    static final int STILL_WAITING = 4;

    private ExitCodes() {
    }

    /** A run's state as an exit status: 0 succeeded, 1 failed or cancelled, 4 not finished yet. */
    static int of(Run run) {
        return switch (run.status()) {
            case "succeeded" -> SUCCEEDED;
            case "failed", "cancelled" -> RUN_FAILED;
            default -> STILL_WAITING;
        };
    }
}

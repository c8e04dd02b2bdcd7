package dev.griddle.cli;

/** A failure the CLI itself found (a runner name that matches nothing, say): its message goes to stderr, its code is the exit status. */
final class CliFailure extends RuntimeException {

    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}

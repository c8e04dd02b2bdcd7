package dev.griddle.server.engine;

import java.util.Locale;

/** A step's state within a run. */
public enum StepStatus {
    PENDING(false), QUEUED(false), RUNNING(false), WAITING(false),
    SUCCEEDED(true), FAILED(true), SKIPPED(true), CANCELLED(true);

    private final boolean terminal;

    StepStatus(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean terminal() {
        return terminal;
    }

    /** Started and not finished: queued, running or waiting (for an approval or a child run). */
    public boolean active() {
        return this == QUEUED || this == RUNNING || this == WAITING;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StepStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}

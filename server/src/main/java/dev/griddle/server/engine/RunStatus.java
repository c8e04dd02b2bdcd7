package dev.griddle.server.engine;

import java.util.Locale;

/** A run's state. Terminal states never change again (except by an explicit retry of a failed or cancelled run). */
public enum RunStatus {
    QUEUED(false), RUNNING(false), WAITING(false), PAUSED(false), BUDGET_PAUSED(false),
    SUCCEEDED(true), FAILED(true), CANCELLED(true);

    private final boolean terminal;

    RunStatus(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean terminal() {
        return terminal;
    }

    public boolean paused() {
        return this == PAUSED || this == BUDGET_PAUSED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}

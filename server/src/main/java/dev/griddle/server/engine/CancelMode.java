package dev.griddle.server.engine;

import java.util.Locale;
import java.util.Optional;

/** How {@code POST /runs/{id}/cancel} stops a run. */
public enum CancelMode {
    /** Stop everything now. */
    IMMEDIATE,
    /** Start nothing new; let running steps finish. */
    GRACEFUL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CancelMode> fromWire(String s) {
        for (CancelMode mode : values()) {
            if (mode.wire().equals(s)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}

package dev.griddle.server.knowledge;

import java.util.Locale;

/** Who a document belongs to: the whole organization, a project, an agent or a runner. */
public enum ScopeType {
    ORG, PROJECT, AGENT, RUNNER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type a request names, or null when it names none we know. */
    static ScopeType parse(String wire) {
        for (ScopeType t : values()) {
            if (t.wireName().equals(wire)) {
                return t;
            }
        }
        return null;
    }
}

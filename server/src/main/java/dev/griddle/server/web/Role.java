package dev.griddle.server.web;

import java.util.Locale;

/** What an API key may do. See API.md "Roles". */
public enum Role {
    /** Everything, including keys. */
    ADMIN,
    /** Read and write everything but keys. */
    CONTRIBUTOR,
    /** Read only. */
    VIEWER,
    /** Only the worker protocol: register, heartbeat, claim, report. */
    WORKER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWire(String value) {
        for (Role role : values()) {
            if (role.wireName().equals(value)) {
                return role;
            }
        }
        return null;
    }
}

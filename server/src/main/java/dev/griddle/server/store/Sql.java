package dev.griddle.server.store;

import java.sql.Timestamp;
import java.time.Instant;

/** Conversions between JDBC and the types our records use. */
public final class Sql {

    private Sql() {
    }

    public static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    public static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}

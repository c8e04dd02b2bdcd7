package dev.griddle.server.trace;

import dev.griddle.server.web.FieldErrors;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Query parameters parsed into values, each problem added to {@link FieldErrors} under the parameter's name. */
final class Params {

    private Params() {
    }

    static UUID uuid(String name, String value, FieldErrors errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            errors.add(name, "must be a UUID, was '" + value + "'");
            return null;
        }
    }

    static Instant time(String name, String value, FieldErrors errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            errors.add(name, "must be an RFC 3339 timestamp, was '" + value + "'");
            return null;
        }
    }
}

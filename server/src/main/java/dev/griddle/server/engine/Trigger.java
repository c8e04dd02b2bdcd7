package dev.griddle.server.engine;

import java.util.UUID;

/** What started a run: {@code api}, {@code cron}, {@code webhook} or {@code runner} (a parent run), and its id. */
public record Trigger(String type, UUID id) {

    public static Trigger api() {
        return new Trigger("api", null);
    }
}

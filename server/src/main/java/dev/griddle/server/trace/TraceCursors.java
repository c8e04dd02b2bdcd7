package dev.griddle.server.trace;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.engine.RunRow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Durable positions of the background jobs over finished runs, in {@code (finished_at, id)} order.
 * A job locks its cursor row for its whole transaction ({@code SKIP LOCKED}: when another process
 * holds it, this one skips the tick), so each run is handled once across processes.
 */
@Repository
class TraceCursors {

    static final UUID ZERO = new UUID(0, 0);

    /** {@code runId}: of the last run handled, or of the last chat-thread answer for the {@code otlp_turns} cursor. */
    record Position(Instant at, UUID runId) {
    }

    private final JdbcClient jdbc;
    private final TraceReader reader;

    TraceCursors(JdbcClient jdbc, TraceReader reader) {
        this.jdbc = jdbc;
        this.reader = reader;
    }

    /** Creates the cursor at {@code start} unless it exists. */
    void ensure(String name, Instant start) {
        jdbc.sql("insert into trace_cursors (name, at, run_id) values (:name, :at, :zero) on conflict (name) do nothing")
                .param("name", name).param("at", ts(start)).param("zero", ZERO).update();
    }

    /** Locks the cursor for this transaction; empty when another process holds it (or it does not exist). */
    Optional<Position> lock(String name) {
        return jdbc.sql("select at, run_id from trace_cursors where name = :name for update skip locked").param("name", name)
                .query((rs, n) -> new Position(instant(rs.getTimestamp("at")), rs.getObject("run_id", UUID.class))).optional();
    }

    /** Reads the cursor without locking it. */
    Optional<Position> read(String name) {
        return jdbc.sql("select at, run_id from trace_cursors where name = :name").param("name", name)
                .query((rs, n) -> new Position(instant(rs.getTimestamp("at")), rs.getObject("run_id", UUID.class))).optional();
    }

    void save(String name, Position position) {
        jdbc.sql("update trace_cursors set at = :at, run_id = :run where name = :name")
                .param("at", ts(position.at())).param("run", position.runId()).param("name", name).update();
    }

    /** Runs finished after {@code after} and no later than {@code upTo}, oldest first. */
    List<RunRow> finishedAfter(Position after, Instant upTo, int limit) {
        return jdbc.sql("""
                select * from runs
                where finished_at is not null and (finished_at, id) > (:at, :id) and finished_at <= :upTo
                order by finished_at, id limit :limit
                """).param("at", ts(after.at())).param("id", after.runId()).param("upTo", ts(upTo)).param("limit", limit)
                .query(reader::run).list();
    }
}

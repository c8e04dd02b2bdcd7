package dev.griddle.server.replay;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStarter;
import dev.griddle.server.engine.Trigger;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import dev.griddle.server.web.ApiException;
import org.springframework.http.HttpStatus;

/**
 * Starts a replay of a run: a new run of the same input and step overrides, {@code trigger.type:
 * replay} and {@code trigger.id} the source run, whose calls its recording answers. The run and its
 * {@code run_replays} row are made in one transaction, the row before any step starts, so no step of
 * it runs before its mode is known. A run of a version with {@code recording: off} has nothing to replay ({@code 422 RECORDING_OFF}).
 */
@Component
class Replays {

    enum Mode {
        STRICT, FALLTHROUGH;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final RunStarter starter;
    private final JdbcClient jdbc;
    private final Tapes tapes;

    Replays(RunStarter starter, JdbcClient jdbc, Tapes tapes) {
        this.starter = starter;
        this.jdbc = jdbc;
        this.tapes = tapes;
    }

    /** Starts the replay of {@code source} (a run the caller may see) on {@code version} (null: the source's). */
    RunRow replay(RunRow source, Integer version, Mode mode, Trigger trigger, ProjectScope scope) {
        if (!tapes.records(source.runnerId(), source.runnerVersion())) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "RECORDING_OFF", "run " + source.id() + " has no recording: version "
                    + source.runnerVersion() + " of its runner says recording: off", null,
                    "Replay a run of a version that records, or start the runner again instead.");
        }
        // the run_replays row goes in before the run's first steps start (in the same transaction), so they know they replay
        return starter.start(source.orgId(), source.runnerId(),
                new RunStarter.StartRequest(source.input(), version == null ? source.runnerVersion() : version, source.stepOverrides()),
                trigger, scope, id -> jdbc.sql("insert into run_replays (run_id, source_run_id, mode) values (:run, :source, :mode)")
                        .param("run", id).param("source", source.id()).param("mode", mode.wire()).update());
    }

    UUID sourceOf(UUID runId) {
        return jdbc.sql("select source_run_id from run_replays where run_id = :run").param("run", runId).query(UUID.class).optional().orElse(null);
    }
}

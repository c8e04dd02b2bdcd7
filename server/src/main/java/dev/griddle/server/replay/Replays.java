package dev.griddle.server.replay;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStarter;
import dev.griddle.server.engine.Trigger;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts a replay of a run: a new run of the same input and step overrides, {@code trigger.type:
 * replay} and {@code trigger.id} the source run, whose calls its recording answers. The run and its
 * {@code run_replays} row are made in one transaction, so no step of it runs before its mode is known.
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
    private final TransactionTemplate tx;

    Replays(RunStarter starter, JdbcClient jdbc, TransactionTemplate tx) {
        this.starter = starter;
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** Starts the replay of {@code source} (a run the caller may see) on {@code version} (null: the source's). */
    RunRow replay(RunRow source, Integer version, Mode mode, Trigger trigger, ProjectScope scope) {
        return tx.execute(status -> {
            RunRow run = starter.start(source.orgId(), source.runnerId(),
                    new RunStarter.StartRequest(source.input(), version == null ? source.runnerVersion() : version, source.stepOverrides()),
                    trigger, scope);
            jdbc.sql("insert into run_replays (run_id, source_run_id, mode) values (:run, :source, :mode)")
                    .param("run", run.id()).param("source", source.id()).param("mode", mode.wire()).update();
            return run;
        });
    }

    UUID sourceOf(UUID runId) {
        return jdbc.sql("select source_run_id from run_replays where run_id = :run").param("run", runId).query(UUID.class).optional().orElse(null);
    }
}

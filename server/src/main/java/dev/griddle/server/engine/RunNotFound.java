package dev.griddle.server.engine;

import dev.griddle.server.Refusal;
import java.util.UUID;

/** No run (or approval of a run) with this id in the caller's organization: the API answers {@code 404 NOT_FOUND}. */
public class RunNotFound extends Refusal {

    private RunNotFound(String kind, UUID id) {
        super("No " + kind + " with id '" + id + "'");
    }

    static RunNotFound run(UUID runId) {
        return new RunNotFound("run", runId);
    }

    static RunNotFound approval(UUID approvalId) {
        return new RunNotFound("approval", approvalId);
    }
}

package dev.griddle.server.engine;

import dev.griddle.server.Refusal;
import java.util.UUID;

/** A command the run's (or approval's) current state forbids: the API answers {@code 409 CONFLICT} saying which state it is in. */
public class RunStateConflict extends Refusal {

    private RunStateConflict(String message) {
        super(message);
    }

    static RunStateConflict command(UUID runId, RunStatus status, String verb) {
        return new RunStateConflict("Cannot " + verb + " run " + runId + ": it is " + status.wire());
    }

    static RunStateConflict approval(UUID approvalId, String status) {
        return new RunStateConflict("Approval " + approvalId + " is " + status + ", not pending");
    }
}

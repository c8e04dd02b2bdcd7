package dev.griddle.server.run;

import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Finds a run the caller may see: in its organization and, for project-limited keys, in its projects. */
@Component
class RunAccess {

    private final RunReader runs;

    RunAccess(RunReader runs) {
        this.runs = runs;
    }

    RunRow visible(Caller caller, UUID runId) {
        return runs.find(caller.orgId(), runId).filter(r -> caller.sees(r.projectId()))
                .orElseThrow(() -> ApiException.notFound("run", runId));
    }
}

package dev.griddle.server.engine;

import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Read-only views of a run's state for the HTTP layer. */
@Component
public class EngineQueries {

    private final StepRunStore stepRuns;

    EngineQueries(StepRunStore stepRuns) {
        this.stepRuns = stepRuns;
    }

    /** The run's steps in graph order, as the API shows them. */
    public List<StepRow.View> steps(RunRow run, List<String> order) {
        var rows = stepRuns.load(run.id());
        return order.stream().filter(rows::containsKey).map(id -> rows.get(id).view()).toList();
    }

    /** How many of a run's steps have finished (whatever their outcome), of how many. */
    public record Progress(int done, int total) {
    }

    public Progress progress(UUID runId) {
        return stepRuns.progress(runId);
    }
}

package dev.griddle.bench;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.RunnerInput;
import dev.griddle.sdk.RunnerModels.Step;
import java.util.List;
import java.util.UUID;

/** What every scenario gets: the client, its options, the report, and a way to make uniquely named {@code bench-} runners. */
record Bench(GriddleClient griddle, String url, Options options, Report report) {

    /** Creates a runner named {@code bench-<name>-<random>}, so repeated runs never collide on the unique name. */
    Runner createRunner(String name, List<Step> steps) {
        String unique = "bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Runner runner = griddle.runners().create(RunnerInput.named(unique).withSteps(steps));
        if (!runner.valid()) {
            throw new IllegalStateException("runner " + unique + " is not valid: " + griddle.runners().validate(runner.id()).errors());
        }
        Report.log("created runner %s (%s), %d steps", unique, runner.id(), steps.size());
        return runner;
    }
}

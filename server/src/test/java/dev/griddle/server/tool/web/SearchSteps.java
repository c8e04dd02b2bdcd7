package dev.griddle.server.tool.web;

import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.ConnectionModels.WebSettings;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Runs {@code tool} steps of a runner with the web tools switched on, through the SDK. */
final class SearchSteps {

    private SearchSteps() {
    }

    static Run run(GriddleClient client, String steps) {
        Runner runner = client.runners().createYaml("name: r-" + UUID.randomUUID() + "\nsteps:\n" + steps);
        client.tools().putWeb(Owner.runner(runner.id()), WebSettings.on());
        Run started = client.runs().start(runner.id(), StartRun.of(null));
        return client.runs().await(started.id(), Duration.ofSeconds(30));
    }

    static JsonNode output(GriddleClient client, Run run, String step) {
        return client.runs().context(run.id()).path("steps").path(step);
    }
}

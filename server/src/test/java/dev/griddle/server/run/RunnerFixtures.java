package dev.griddle.server.run;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runners written as YAML in tests, created over the API, and runs of them awaited. */
public final class RunnerFixtures {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private RunnerFixtures() {
    }

    public static Runner runner(GriddleClient client, String yamlSteps) {
        String yaml = "name: r-" + UUID.randomUUID() + "\n" + yamlSteps;
        return client.runners().createYaml(yaml);
    }

    public static Run runToEnd(GriddleClient client, UUID runnerId, String inputJson) {
        Run started = client.runs().start(runnerId, StartRun.of(inputJson == null ? null : JSON.readTree(inputJson)));
        return client.runs().await(started.id(), Duration.ofSeconds(30));
    }

    public static JsonNode parse(String text) {
        return TestJson.parse(text);
    }
}

package dev.griddle.server.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.ExperimentModels.CaseInput;
import dev.griddle.sdk.ExperimentModels.CreateDataset;
import dev.griddle.sdk.ExperimentModels.Dataset;
import dev.griddle.sdk.ExperimentModels.Experiment;
import dev.griddle.sdk.ExperimentModels.StartExperiment;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * An experiment's progress is all in the database, leased to one node at a time: with this node's
 * loop off, two "nodes" (owners) claim it, only one gets it until its lease expires, and passes
 * made by whichever node holds it carry the experiment to its end.
 */
class ExperimentLeaseTest extends ApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void loopOff(DynamicPropertyRegistry registry) {
        registry.add("griddle.experiments.enabled", () -> "false");
    }

    @Autowired
    ExperimentStore store;

    @Autowired
    ExperimentLoop loop;

    @Test
    void oneNodeAtATimeAndAnyNodeCarriesItOn() throws InterruptedException {
        GriddleClient client = newOrg();
        Runner runner = client.runners().createYaml("name: lease-%s\nsteps: [{id: t, type: transform, with: {value: \"{{ input.n }}\"}}]\noutput: {n: \"{{ steps.t.output }}\"}"
                .formatted(UUID.randomUUID()));
        client.runners().publish(runner.id());
        Dataset dataset = client.datasets().create(CreateDataset.ofCases("lease", runner.id(), List.of(
                new CaseInput(JSON.readTree("{\"n\": 1}"), JSON.readTree("{\"n\": 1}")), new CaseInput(JSON.readTree("{\"n\": 2}"), JSON.readTree("{\"n\": 3}")))));
        Experiment queued = client.experiments().start(StartExperiment.of(dataset.id(), runner.id(), 1, null));

        Instant now = Instant.now();
        UUID nodeA = UUID.randomUUID();
        UUID nodeB = UUID.randomUUID();
        assertThat(store.claim(nodeA, now, now.plusSeconds(60), 100)).contains(queued.id());
        assertThat(store.claim(nodeB, now, now.plusSeconds(60), 100)).doesNotContain(queued.id());
        // node A is gone without releasing it: once its lease has expired, node B takes over
        Instant later = now.plusSeconds(61);
        assertThat(store.claim(nodeB, later, later.plusSeconds(60), 100)).contains(queued.id());
        loop.advance(queued.id());
        store.release(queued.id(), nodeB);
        assertThat(client.experiments().get(queued.id()).status()).isEqualTo("running");

        // another pass (any node's) collects the ended case runs and completes it
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Experiment e = client.experiments().get(queued.id());
        while (!e.finished() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            loop.advance(queued.id());
            e = client.experiments().get(queued.id());
        }
        assertThat(e.status()).as(String.valueOf(e)).isEqualTo("completed");
        assertThat(e.summary().passRate()).isEqualTo(0.5);
        assertThat(e.cases()).allSatisfy(c -> assertThat(c.runStatus()).isEqualTo("succeeded"));
    }
}

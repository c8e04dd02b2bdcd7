package dev.griddle.server.engine;

import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.server.ApiTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class RetentionTest extends ApiTest {

    @Autowired
    RunStore runs;

    @Test
    void finishedRunsLoseTheirEventsAndStepOutputsAfterTheRetentionAgeButLiveRunsKeepThem() {
        GriddleClient c = newOrg();
        var done = runner(c, "steps:\n  - {id: a, type: transform, with: {value: {big: payload}}}\n");
        var live = runner(c, "steps:\n  - {id: gate, type: approval, with: {message: hold}}\n");
        Run finished = runToEnd(c, done.id(), null);
        Run waiting = c.runs().start(live.id(), StartRun.of(null));
        assertThat(c.runs().events(finished.id(), null, 100).data()).isNotEmpty();

        runs.pruneFinishedBefore(finished.finishedAt().plusMillis(1));

        assertThat(c.runs().events(finished.id(), null, 100).data()).isEmpty();
        assertThat(c.runs().steps(finished.id()).getFirst().output() == null || c.runs().steps(finished.id()).getFirst().output().isNull()).isTrue();
        assertThat(c.runs().get(finished.id()).status()).isEqualTo("succeeded");
        assertThat(c.runs().get(finished.id()).output().path("a").path("big").asString()).isEqualTo("payload");
        assertThat(c.runs().events(waiting.id(), null, 100).data()).isNotEmpty();
    }
}

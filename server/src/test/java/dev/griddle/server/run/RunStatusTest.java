package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a run's status says (issue 20): {@code running} while a step executes, {@code waiting}
 * while nothing executes and something waits (a timer, an approval, a child run, a remote task
 * not yet claimed).
 */
class RunStatusTest extends ApiTest {

    EchoServer echo;
    GriddleClient c;

    @BeforeEach
    void setUp() throws Exception {
        echo = new EchoServer();
        c = newOrg();
    }

    @AfterEach
    void tearDown() {
        echo.close();
    }

    private Run start(String steps) {
        return c.runs().start(runner(c, steps).id(), StartRun.of(null));
    }

    private void awaitStatus(UUID runId, String status) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> c.runs().get(runId).status(), status::equals);
    }

    @Test
    void aRunWhoseOnlyPendingStepIsATimerIsWaitingNotQueued() {
        Run run = start("steps:\n  - {id: nap, type: wait, with: {duration_ms: 1500}}\n");
        assertThat(run.status()).isEqualTo("waiting");
        assertThat(c.runs().get(run.id()).status()).isEqualTo("waiting");
        assertThat(c.runs().await(run.id(), Duration.ofSeconds(30)).status()).isEqualTo("succeeded");
    }

    @Test
    void runningWhileAStepExecutesThenWaitingForTheTimerAfterIt() {
        Run run = start("""
                steps:
                  - {id: slow, type: http, with: {method: GET, url: "%s"}}
                  - {id: nap, type: wait, needs: [slow], with: {duration_ms: 3000}}
                """.formatted(echo.url("/slow/1500")));
        awaitStatus(run.id(), "running");
        awaitStatus(run.id(), "waiting");
        assertThat(c.runs().steps(run.id()).stream().filter(s -> s.stepId().equals("slow")).findFirst().orElseThrow().status())
                .isEqualTo("succeeded");
        assertThat(c.runs().await(run.id(), Duration.ofSeconds(30)).status()).isEqualTo("succeeded");
    }

    @Test
    void waitingForAnApprovalAChildRunAndAnUnclaimedRemoteTask() {
        Run approval = start("steps:\n  - {id: ok, type: approval, with: {message: sign}}\n");
        awaitStatus(approval.id(), "waiting");

        UUID child = runner(c, "steps:\n  - {id: nap, type: wait, with: {duration_ms: 60000}}\n").id();
        Run parent = start("steps:\n  - {id: sub, type: runner, with: {runner_id: \"" + child + "\"}}\n");
        awaitStatus(parent.id(), "waiting");

        Run remote = start("steps:\n  - {id: work, type: task, with: {task_type: nobody-handles-this, input: {}}}\n");
        awaitStatus(remote.id(), "waiting");

        for (Run r : new Run[] {approval, parent, remote}) {
            c.runs().cancel(r.id(), "immediate");
        }
    }
}

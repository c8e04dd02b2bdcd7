package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.server.ApiTest;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Eager dispatch: the transaction that completes a step leases its successor to this node, which
 * runs it after commit, without a claim. A chain of {@code http} steps shows it in
 * {@code griddle_tasks_eager_total}, and runs as before: in order, each step once, one attempt.
 */
class EagerDispatchTest extends ApiTest {

    private static final Pattern EAGER = Pattern.compile("(?m)^griddle_tasks_eager_total(?:\\{[^}]*})? ([0-9.eE+]+)$");

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

    private double eagerTotal() {
        String metrics = client(null).raw("GET", "/metrics", null, Map.of("Accept", "text/plain")).body();
        Matcher m = EAGER.matcher(metrics);
        assertThat(m.find()).as("griddle_tasks_eager_total in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void successorsOfAChainAreLeasedByTheCompletingTransaction() {
        StringBuilder steps = new StringBuilder("steps:\n");
        for (int i = 0; i < 8; i++) {
            steps.append("  - {id: s").append(i).append(", type: http").append(i == 0 ? "" : ", needs: [s" + (i - 1) + "]")
                    .append(", with: {method: GET, url: \"").append(echo.url("/echo?step=" + i)).append("\"}}\n");
        }
        var r = runner(c, steps.toString());
        double before = eagerTotal();
        Run run = runToEnd(c, r.id(), "{}");
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        // the first step comes from a claim (a start is not a completion); the seven after it are leased eagerly
        assertThat(eagerTotal() - before).isGreaterThanOrEqualTo(7);
        List<StepRun> ran = c.runs().steps(run.id());
        assertThat(ran).hasSize(8).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo("succeeded");
            assertThat(s.attempt()).isEqualTo(1);
        });
        Map<String, StepRun> byId = ran.stream().collect(java.util.stream.Collectors.toMap(StepRun::stepId, s -> s));
        for (int i = 1; i < 8; i++) {
            assertThat(byId.get("s" + i).startedAt()).as("s" + i + " starts after s" + (i - 1) + " finished")
                    .isAfterOrEqualTo(byId.get("s" + (i - 1)).finishedAt());
        }
        assertThat(echo.count("/echo")).isEqualTo(8);
    }
}

package dev.griddle.server.trace;

import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.TraceModels.Summary;
import java.time.Duration;
import java.util.Arrays;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Opt-in measurement (GRIDDLE_BENCH_ANALYTICS=1): 100,000 finished runs with 1,000,000 step rows
 * (and their 2,000,000 step events) written into the scratch test database over 30 days, rolled up
 * by the background job, then the summary endpoint timed over HTTP. Prints one line per figure.
 */
@EnabledIfEnvironmentVariable(named = "GRIDDLE_BENCH_ANALYTICS", matches = "1")
class AnalyticsBenchmarkTest extends TraceApiTest {

    @Autowired
    TransactionTemplate tx;

    private static final int RUNS = 100_000;
    private static final int STEPS = 10;

    @Test
    void summaryOverAMillionStepRows() {
        Org org = org();
        StringBuilder yaml = new StringBuilder("steps:\n");
        for (int i = 0; i < STEPS; i++) {
            yaml.append("  - {id: s").append(i).append(", type: ").append(i % 2 == 0 ? "transform" : "http")
                    .append(i % 2 == 0 ? ", with: {value: 1}}\n" : ", with: {method: GET, url: \"" + LOOPBACK.url("/ok") + "\"}}\n");
        }
        var r = runner(org.client(), yaml.toString());
        assertThat(runToEnd(org.client(), r.id(), null).status()).isEqualTo("succeeded");

        long t0 = System.nanoTime();
        jdbc.sql("""
                insert into runs (id, org_id, runner_id, runner_version, status, input, trigger_type, cost_usd, input_tokens, output_tokens,
                                  created_at, started_at, finished_at)
                select gen_random_uuid(), :org, :runner, 1, case when g % 10 = 0 then 'failed' else 'succeeded' end, '{}', 'api', 0.001, 100, 10,
                       now() - interval '30 days' * (g::float / :n) - interval '1 minute',
                       now() - interval '30 days' * (g::float / :n) - interval '1 minute',
                       now() - interval '30 days' * (g::float / :n) - interval '1 minute' + (g % 5000) * interval '1 millisecond'
                from generate_series(1, :n) g
                """).param("org", org.id()).param("runner", r.id()).param("n", RUNS).update();
        jdbc.sql("""
                insert into step_runs (run_id, step_id, status, attempt, started_at, finished_at)
                select r.id, 's' || s, 'succeeded', 1, r.started_at, r.finished_at
                from runs r cross join generate_series(0, :steps - 1) s where r.org_id = :org and r.trigger_id is null and r.input = '{}'
                  and r.id not in (select id from runs where org_id = :org order by created_at desc limit 1)
                """).param("org", org.id()).param("steps", STEPS).update();
        jdbc.sql("""
                insert into events (run_id, seq, org_id, type, step_id, data, created_at)
                select sr.run_id, row_number() over (partition by sr.run_id order by sr.step_id, e.kind), :org,
                       case e.kind when 0 then 'step_started' else 'step_completed' end, sr.step_id, '{"attempt": 1}',
                       case e.kind when 0 then sr.started_at else sr.finished_at end
                from step_runs sr join runs r on r.id = sr.run_id cross join (values (0), (1)) e(kind)
                where r.org_id = :org and r.cost_usd = 0.001
                """).param("org", org.id()).update();
        long stepRows = jdbc.sql("select count(*) from step_runs s join runs r on r.id = s.run_id where r.org_id = :org")
                .param("org", org.id()).query(Long.class).single();
        System.out.printf("analytics-bench: inserted %d runs, %d step rows in %d ms%n", RUNS, stepRows, (System.nanoTime() - t0) / 1_000_000);

        // the rows were written into the past, behind the rollup cursor: start the (scratch) rollups over so the job sees them
        tx.executeWithoutResult(s -> {
            jdbc.sql("update trace_cursors set at = '1970-01-01T00:00:00Z', run_id = :zero where name = 'rollup'").param("zero", TraceCursors.ZERO)
                    .update();
            for (String table : new String[] {"run_rollups", "duration_rollups", "step_rollups", "model_rollups", "trigger_rollups"}) {
                jdbc.sql("delete from " + table).update();
            }
        });
        long t1 = System.nanoTime();
        Awaitility.await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(1)).until(() -> jdbc.sql(
                "select coalesce(sum(runs), 0) from run_rollups where org_id = :org").param("org", org.id()).query(Long.class).single() >= RUNS);
        System.out.printf("analytics-bench: rollup job caught up in %d ms%n", (System.nanoTime() - t1) / 1_000_000);

        for (String window : new String[] {"month", "all"}) {
            long[] ms = new long[30];
            Summary summary = null;
            for (int i = 0; i < ms.length; i++) {
                long s = System.nanoTime();
                summary = org.client().analytics().summary("window=" + window);
                ms[i] = (System.nanoTime() - s) / 1_000_000;
            }
            Arrays.sort(ms);
            System.out.printf("analytics-bench: summary window=%s runs=%d steps_executed=%d p50=%d ms p95=%d ms max=%d ms%n", window,
                    summary.runs(), summary.stepsExecuted(), ms[15], ms[28], ms[29]);
            assertThat(summary.stepsExecuted()).isEqualTo(summary.runs() * STEPS);
            assertThat(ms[15]).isLessThan(200);
        }
    }
}

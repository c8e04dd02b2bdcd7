package dev.griddle.server.trace;

import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static dev.griddle.server.store.Sql.ts;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

class MetricsTest extends TraceApiTest {

    @Autowired
    TransactionTemplate tx;

    private String metrics() {
        return client(null).raw("GET", "/metrics", null, Map.of("Accept", "text/plain")).body();
    }

    @Test
    void runStepQueueAndModelSeriesAreExposed() {
        Org org = org();
        var r = runner(org.client(), "steps:\n  - {id: a, type: http, with: {method: GET, url: \"%s\"}}\n".formatted(LOOPBACK.url("/ok")));
        assertThat(runToEnd(org.client(), r.id(), null).status()).isEqualTo("succeeded");
        String model = "test-model-" + UUID.randomUUID().toString().substring(0, 8);
        finishedRunWithModelCall(org.id(), model);

        Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(metrics())
                .containsPattern("griddle_runs_started_total(\\{[^}]*})? [1-9]")
                .containsPattern("griddle_runs_finished_total\\{[^}]*status=\"succeeded\"[^}]*} [1-9]")
                .contains("griddle_runs_finished_total{status=\"failed\"}")
                .containsPattern("griddle_step_duration_seconds_bucket\\{[^}]*type=\"http\"")
                .containsPattern("griddle_step_duration_seconds_count\\{[^}]*type=\"http\"[^}]*} [1-9]")
                .contains("griddle_llm_tokens_total{direction=\"input\",model=\"" + model + "\"} 100.0")
                .contains("griddle_llm_tokens_total{direction=\"output\",model=\"" + model + "\"} 7.0")
                .contains("griddle_llm_cost_usd_total{model=\"" + model + "\"} 0.5"));
        assertThat(metrics()).contains("griddle_tasks_ready ").contains("griddle_tasks_oldest_ready_age_seconds ")
                .contains("griddle_task_lease_expiries_total").contains("griddle_tasks_claim_seconds").contains("griddle_tasks_in_flight")
                .contains("http_server_requests_seconds_count");
    }

    /** A finished run of one LLM step, written in one transaction as the engine (with LLM steps) would. */
    private void finishedRunWithModelCall(UUID orgId, String model) {
        UUID run = UUID.randomUUID();
        Instant now = Instant.now();
        tx.executeWithoutResult(s -> {
            jdbc.sql("""
                    insert into runs (id, org_id, runner_id, runner_version, status, input, trigger_type, input_tokens, output_tokens, cost_usd,
                                      created_at, started_at, finished_at)
                    values (:id, :org, :runner, 1, 'succeeded', '{}', 'api', 100, 7, 0.5, :start, :start, :now)
                    """).param("id", run).param("org", orgId).param("runner", UUID.randomUUID()).param("start", ts(now.minusMillis(900)))
                    .param("now", ts(now)).update();
            appendEvent(orgId, run, "step_started", "ask", "{\"attempt\": 1}", now.minusMillis(800));
            appendEvent(orgId, run, "llm_call", "ask", """
                    {"model": "%s", "provider": "openai", "input_tokens": 100, "output_tokens": 7, "cost_usd": 0.5, "latency_ms": 500, "status": "ok"}
                    """.formatted(model), now.minusMillis(100));
            appendEvent(orgId, run, "step_completed", "ask", "{\"attempt\": 1, \"output\": {}}", now);
        });
    }
}

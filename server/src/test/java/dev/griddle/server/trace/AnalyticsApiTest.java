package dev.griddle.server.trace;

import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.TraceModels.Point;
import dev.griddle.sdk.TraceModels.Series;
import dev.griddle.sdk.TraceModels.Summary;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class AnalyticsApiTest extends TraceApiTest {

    @Test
    void summaryAndSeriesCountTheRunsOfTheOrganization() {
        Org org = org();
        var ok = runner(org.client(), "steps:\n  - {id: a, type: http, with: {method: GET, url: \"%s\"}}\n  - {id: b, type: transform, needs: [a], with: {value: 1}}\n"
                .formatted(LOOPBACK.url("/ok")));
        var bad = runner(org.client(), "steps:\n  - {id: c, type: http, with: {method: GET, url: \"%s\"}}\n".formatted(LOOPBACK.url("/status/500")));
        for (int i = 0; i < 3; i++) {
            assertThat(runToEnd(org.client(), ok.id(), null).status()).isEqualTo("succeeded");
        }
        assertThat(runToEnd(org.client(), bad.id(), null).status()).isEqualTo("failed");

        // right away (the tail the rollup job has not reached) and after the job rolled them up: the same numbers
        check(org.client().analytics().summary("window=day"), org.client().analytics().summary("window=day&runner_id=" + ok.id()));
        byRunner(org.client().analytics().summary("window=day"), ok.id(), bad.id());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> rolledUp(org));
        check(org.client().analytics().summary("window=day"), org.client().analytics().summary("window=day&runner_id=" + ok.id()));
        byRunner(org.client().analytics().summary("window=day"), ok.id(), bad.id());
        assertThat(org.client().analytics().summary("window=day&runner_id=" + bad.id()).byRunner()).singleElement()
                .satisfies(r -> assertThat(r.runnerId()).isEqualTo(bad.id()));

        Series runs = org.client().analytics().timeseries("metric=runs&granularity=hour");
        assertThat(runs.meta().metric()).isEqualTo("runs");
        assertThat(runs.meta().granularity()).isEqualTo("hour");
        assertThat(runs.data()).hasSize(24);
        assertThat(runs.data().stream().map(Point::value).reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("4");
        Series steps = org.client().analytics().timeseries("metric=steps&granularity=day&from=" + Instant.now().minus(Duration.ofDays(3)));
        assertThat(steps.data()).hasSizeBetween(4, 5);
        assertThat(steps.data().stream().map(Point::value).reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("7");
        Series old = org.client().analytics().timeseries("metric=cost_usd&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z");
        assertThat(old.data()).hasSize(24).allSatisfy(p -> assertThat(p.value()).isEqualByComparingTo("0"));
        assertThat(org.client().analytics().summary("from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z").runs()).isZero();
    }

    private boolean rolledUp(Org org) {
        return jdbc.sql("select coalesce(sum(runs), 0) from run_rollups where org_id = :org").param("org", org.id()).query(Long.class).single() == 4;
    }

    /** Each runner's runs, success rate and percentiles, rollups and tail alike. */
    private static void byRunner(Summary all, java.util.UUID ok, java.util.UUID bad) {
        assertThat(all.byRunner()).hasSize(2);
        assertThat(all.byRunner()).anySatisfy(r -> {
            assertThat(r.runnerId()).isEqualTo(ok);
            assertThat(r.name()).isNotBlank();
            assertThat(r.runs()).isEqualTo(3);
            assertThat(r.succeeded()).isEqualTo(3);
            assertThat(r.successRate()).isEqualTo(1.0);
            assertThat(r.p50DurationMs()).isNotNull();
            assertThat(r.p95DurationMs()).isGreaterThanOrEqualTo(r.p50DurationMs());
        });
        assertThat(all.byRunner()).anySatisfy(r -> {
            assertThat(r.runnerId()).isEqualTo(bad);
            assertThat(r.runs()).isEqualTo(1);
            assertThat(r.failed()).isEqualTo(1);
            assertThat(r.successRate()).isEqualTo(0.0);
        });
    }

    private static void check(Summary all, Summary okOnly) {
        assertThat(all.runs()).isEqualTo(4);
        assertThat(all.succeeded()).isEqualTo(3);
        assertThat(all.failed()).isEqualTo(1);
        assertThat(all.successRate()).isEqualTo(0.75);
        assertThat(all.liveRuns()).isZero();
        assertThat(all.stepsExecuted()).isEqualTo(7);
        assertThat(all.p50DurationMs()).isNotNull();
        assertThat(all.p95DurationMs()).isGreaterThanOrEqualTo(all.p50DurationMs());
        assertThat(all.byStepType()).anySatisfy(t -> {
            assertThat(t.stepType()).isEqualTo("http");
            assertThat(t.attempts()).isEqualTo(4);
            assertThat(t.failed()).isEqualTo(1);
        });
        assertThat(all.byStepType()).anySatisfy(t -> {
            assertThat(t.stepType()).isEqualTo("transform");
            assertThat(t.attempts()).isEqualTo(3);
        });
        assertThat(okOnly.runs()).isEqualTo(3);
        assertThat(okOnly.successRate()).isEqualTo(1.0);
    }

    @Test
    void badParametersAreRejectedByName() {
        var c = newOrg();
        for (String[] bad : new String[][] {{"summary?window=year", "window"}, {"summary?from=yesterday", "from"},
                {"summary?runner_id=x", "runner_id"}, {"summary?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", "from"},
                {"timeseries?metric=latency", "metric"}, {"timeseries?granularity=minute", "granularity"}, {"timeseries?to=soon", "to"},
                {"timeseries?granularity=hour&from=2000-01-01T00:00:00Z", "from"}}) {
            GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> c.send("GET", "/api/v1/analytics/" + bad[0], null, Map.of()));
            assertThat(e.getMessage()).as(bad[0]).contains(bad[1]);
        }
    }
}

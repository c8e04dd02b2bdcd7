package dev.griddle.server.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.RunnerInput;
import dev.griddle.sdk.RunnerModels.Step;
import dev.griddle.server.ApiTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Finding M9: the cache of pinned runner versions is bounded by weight ({@code griddle.engine.version-cache}). */
@TestPropertySource(properties = {"griddle.engine.step-timeout=2s", "griddle.engine.version-cache=1MB",
        "griddle.engine.max-live-runs-per-org=2", "griddle.engine.max-live-runs-per-org-hard=4"})
class PinnedVersionCacheTest extends ApiTest {

    @Test
    void largeVersionsAreEvictedOnceTheCacheIsFull() throws Exception {
        GriddleClient c = newOrg();
        UUID r = RunnerFixtures.runner(c, "steps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
        for (int i = 0; i < 8; i++) {
            // each version carries about 300 kB; a run of the edited draft publishes and pins it
            String big = "{\"value\": \"" + Integer.toString(i).repeat(300_000) + "\"}";
            c.runners().update(r, new RunnerInput(null, null, null, null, null, List.of(Step.of("t", "transform", RunnerFixtures.parse(big))), null));
            Run run = c.runs().await(c.runs().start(r, StartRun.of(null)).id(), Duration.ofSeconds(30));
            assertThat(run.status()).isEqualTo("succeeded");
        }
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(gauge(metrics, "cache_size\\{cache=\"pinned_versions\"[^}]*\\}")).isLessThanOrEqualTo(3);
        assertThat(gauge(metrics, "cache_evictions_total\\{cache=\"pinned_versions\"[^}]*\\}")).isGreaterThanOrEqualTo(5);
    }

    private static double gauge(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+-]+)$").matcher(metrics);
        assertThat(m.find()).as(name + " in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }
}

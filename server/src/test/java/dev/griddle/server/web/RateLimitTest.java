package dev.griddle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

@TestPropertySource(properties = {"griddle.rate-limit.per-second=2", "griddle.rate-limit.burst=5"})
class RateLimitTest extends ApiTest {

    @Test
    void aBurstOverTheLimitIs429WithRetryAfter() {
        GriddleClient admin = newOrg();
        GriddleClient other = client(admin.keys().create(dev.griddle.sdk.Models.CreateKey.of("fresh", "viewer")).secret());
        List<RawResponse> responses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            responses.add(admin.raw("GET", "/api/v1/projects", null, Map.of()));
        }
        assertThat(responses.subList(0, 3)).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        RawResponse limited = responses.stream().filter(r -> r.status() == 429).findFirst().orElseThrow();
        assertEnvelope(limited, 429, "RATE_LIMITED");
        assertThat(limited.header("Retry-After")).hasValueSatisfying(s -> assertThat(Integer.parseInt(s)).isBetween(1, 5));

        // the limit is per key: another key of the same organization is unaffected
        assertThat(other.raw("GET", "/api/v1/projects", null, Map.of()).status()).isIn(200);
    }
}

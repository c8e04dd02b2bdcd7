package dev.griddle.server.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Pass rates over finished cases; deltas over the cases that have both figures; the lower median. */
class SummaryTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static ExperimentStore.ExpCase done(boolean passed, Boolean baselinePassed, String cost, String baselineCost, Long ms, Long baselineMs, Long tokens,
            Long baselineTokens) {
        return new ExperimentStore.ExpCase(UUID.randomUUID(), 1, JSON.readTree("{}"), null, false, "done", UUID.randomUUID(), "succeeded", null, null, null,
                null, null, null, passed, baselinePassed, new BigDecimal(cost), ms, tokens, baselineCost == null ? null : new BigDecimal(baselineCost),
                baselineMs, baselineTokens, BigDecimal.ZERO);
    }

    @Test
    void ratesAndDeltas() {
        Summary s = Summary.of(List.of(done(true, true, "0.1", "0.1", 100L, 100L, 10L, 10L), done(false, true, "0.3", "0.1", 900L, 120L, 40L, 10L),
                done(false, null, "0.2", null, 300L, null, 20L, null)));
        assertThat(s.cases()).isEqualTo(3);
        assertThat(s.passRate()).isEqualTo(0.3333);
        assertThat(s.baselinePassRate()).isEqualTo(1.0);
        assertThat(s.costUsd()).isEqualByComparingTo("0.6");
        assertThat(s.costUsdDelta()).isEqualByComparingTo("0.2");
        assertThat(s.latencyMsP50()).isEqualTo(300L);
        assertThat(s.latencyMsP50Delta()).isEqualTo(100L - 100L); // medians of [100, 900] and [100, 120]: the lower middles
        assertThat(s.tokensDelta()).isEqualTo(30L);
    }

    @Test
    void nothingFinishedHasNoRates() {
        Summary s = Summary.of(List.of());
        assertThat(s.passRate()).isNull();
        assertThat(s.baselinePassRate()).isNull();
        assertThat(s.costUsdDelta()).isNull();
        assertThat(Summary.median(List.of(5L, 1L, 3L))).isEqualTo(3L);
    }
}

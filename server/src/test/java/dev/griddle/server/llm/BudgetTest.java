package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.server.web.FieldErrors;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The pure budget check and the connection merge table, without Spring. */
class BudgetTest {

    private static Budget.Spent spent(String run, long tokens, String day, String extra) {
        return new Budget.Spent(new BigDecimal(run), tokens, new BigDecimal(day), new BigDecimal(extra));
    }

    @Test
    void checkedBudgetsDefaultToPauseNameBadFieldsAndCompareNumbersByValue() {
        FieldErrors errors = new FieldErrors();
        Budget b = Budget.checked(new BigDecimal("0.5"), null, null, null, "runners[0].budget.", errors);
        assertThat(errors.isEmpty()).isTrue();
        assertThat(b.onExceed()).isEqualTo("pause");
        assertThat(b.sameAs(new Budget(new BigDecimal("0.500000"), null, null, "pause"))).isTrue();
        assertThat(b.sameAs(new Budget(new BigDecimal("0.5"), null, null, "fail"))).isFalse();
        assertThat(Budget.NONE.sameAs(new Budget(null, null, 0L, "pause"))).isFalse();

        Budget.checked(new BigDecimal("-1"), null, -5L, "explode", "runners[0].budget.", errors);
        assertThat(errors.asMap()).containsOnlyKeys("runners[0].budget.max_cost_usd_per_run", "runners[0].budget.max_tokens_per_run",
                "runners[0].budget.on_exceed");
    }

    @Test
    void noLimitsNeverExceed() {
        assertThat(new Budget(null, null, null, "pause").exceeded(spent("100", 1_000_000, "100", "0"))).isEmpty();
    }

    @Test
    void perRunLimitIsReachedAtTheLimitAndRaisedByTheExtra() {
        Budget b = new Budget(new BigDecimal("1.00"), null, null, "pause");
        assertThat(b.exceeded(spent("0.99", 0, "0", "0"))).isEmpty();
        assertThat(b.exceeded(spent("1.00", 0, "0", "0"))).hasValueSatisfying(r -> assertThat(r).contains("max_cost_usd_per_run"));
        assertThat(b.exceeded(spent("1.00", 0, "0", "0.50"))).isEmpty();
        assertThat(b.exceeded(spent("1.50", 0, "0", "0.50"))).hasValueSatisfying(r -> assertThat(r).contains("added on resume"));
    }

    @Test
    void perDayAndTokenLimits() {
        Budget b = new Budget(null, new BigDecimal("5"), 1000L, "fail");
        assertThat(b.fails()).isTrue();
        assertThat(b.exceeded(spent("0", 0, "5", "0"))).hasValueSatisfying(r -> assertThat(r).contains("max_cost_usd_per_day"));
        assertThat(b.exceeded(spent("0", 1000, "1", "0"))).hasValueSatisfying(r -> assertThat(r).contains("max_tokens_per_run"));
        assertThat(b.exceeded(spent("0", 999, "4.99", "0"))).isEmpty();
    }

    @Test
    void mergeCombinesToolsTheAgentWinningOnName() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        Connections runner = new Connections(List.of(new Connections.ToolLink(a, "search", true), new Connections.ToolLink(b, "fetch", true)),
                null, null, Map.of("mcps", List.of(a)));
        Connections agent = new Connections(List.of(new Connections.ToolLink(c, "search", true)), null, null, Map.of("mcps", List.of(a, b)));
        Connections merged = Connections.merge(runner, agent);
        assertThat(merged.allowedTools()).containsOnlyKeys("search", "fetch");
        assertThat(merged.allowedTools().get("search").toolId()).isEqualTo(c);
        assertThat(merged.attachments().get("mcps")).containsExactly(a, b);
    }

    @Test
    void mergeTakesTheAgentsWebOnlyWhenEnabledAndHonoursAllowed() {
        JsonMapper json = JsonMapper.builder().build();
        var runnerWeb = json.readTree("{\"enabled\": true, \"crawl_enabled\": false}");
        var agentOff = json.readTree("{\"enabled\": false}");
        var agentOn = json.readTree("{\"enabled\": true, \"crawl_enabled\": true}");
        Connections runner = new Connections(List.of(new Connections.ToolLink(UUID.randomUUID(), "x", false)), runnerWeb, null, null);
        assertThat(Connections.merge(runner, new Connections(null, agentOff, null, null)).web()).isEqualTo(runnerWeb);
        assertThat(Connections.merge(runner, new Connections(null, agentOn, null, null)).web()).isEqualTo(agentOn);
        assertThat(Connections.merge(runner, null)).isSameAs(runner);
        assertThat(runner.allowedTools()).isEmpty();
    }
}

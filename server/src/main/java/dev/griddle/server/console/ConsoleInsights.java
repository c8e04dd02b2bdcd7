package dev.griddle.server.console;

import dev.griddle.server.trace.AnalyticsController;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import io.swagger.v3.oas.annotations.Hidden;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /console/analytics}: the analytics API's summary and time series (the same methods, as
 * the signed-in key), drawn as charts: runs and cost over time with uPlot (from its WebJar), cost
 * by model and by runner as bars, success rate and p50/p95 durations as figures.
 */
@Hidden
@Controller
public class ConsoleInsights {

    private final ConsolePages pages;
    private final AnalyticsController analytics;
    private final JsonMapper json;

    ConsoleInsights(ConsolePages pages, AnalyticsController analytics, JsonMapper json) {
        this.pages = pages;
        this.analytics = analytics;
        this.json = json;
    }

    @GetMapping("/console/analytics")
    ResponseEntity<String> analytics(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session,
            @RequestParam(defaultValue = "week") String window) {
        if (!List.of("day", "week", "month").contains(window)) {
            throw ApiException.fieldErrors(Map.of("window", List.of("must be day, week or month, was '" + window + "'")));
        }
        Caller caller = session.caller();
        AnalyticsController.Summary summary = analytics.summary(caller, window, null, null, null, null);
        String granularity = window.equals("month") ? "day" : "hour";
        String from = summary.from().toString();
        AnalyticsController.Series runs = analytics.timeseries(caller, "runs", granularity, from, summary.to().toString(), null);
        AnalyticsController.Series cost = analytics.timeseries(caller, "cost_usd", granularity, from, summary.to().toString(), null);
        ObjectNode series = JsonNodeFactory.instance.objectNode();
        ArrayNode t = series.putArray("t");
        ArrayNode r = series.putArray("runs");
        ArrayNode c = series.putArray("cost");
        for (int i = 0; i < runs.data().size(); i++) {
            t.add(runs.data().get(i).t().getEpochSecond());
            r.add(runs.data().get(i).value().longValue());
            c.add(new BigDecimal(cost.data().get(i).value().toString()).doubleValue());
        }
        Map<String, Object> params = pages.common(session, "Analytics");
        params.put("window", window);
        params.put("summary", summary);
        params.put("successRate", percent(summary.successRate()));
        params.put("p50", ms(summary.p50DurationMs()));
        params.put("p95", ms(summary.p95DurationMs()));
        params.put("series", json.writeValueAsString(series));
        BigDecimal maxModel = summary.byModel().stream().map(AnalyticsController.ModelUsage::costUsd).reduce(BigDecimal.ZERO, BigDecimal::max);
        params.put("modelBars", summary.byModel().stream().map(m -> new Bar(m.model(), null, m.costUsd().toPlainString(), perMille(m.costUsd(), maxModel),
                m.calls() + " calls · " + (m.inputTokens() + m.outputTokens()) + " tokens")).toList());
        BigDecimal maxRunner = summary.byRunner().stream().map(AnalyticsController.RunnerUsage::costUsd).reduce(BigDecimal.ZERO, BigDecimal::max);
        params.put("runnerBars", summary.byRunner().stream().map(u -> new Bar(u.name() == null ? u.runnerId().toString() : u.name(),
                "/console/runs?runner_id=" + u.runnerId(), u.costUsd().toPlainString(), perMille(u.costUsd(), maxRunner),
                u.runs() + " runs · success " + percent(u.successRate()) + " · p50 " + ms(u.p50DurationMs()) + " · p95 " + ms(u.p95DurationMs()))).toList());
        return pages.page("analytics", params);
    }

    /** One bar of a bar chart: its label (a link when {@code href}), its value, its length in per mille of the largest, a line of detail. */
    public record Bar(String label, String href, String value, int perMille, String detail) {
    }

    /** A rate (0..1) as a percentage, or a dash without runs. */
    static String percent(Double rate) {
        return rate == null ? "–" : BigDecimal.valueOf(rate * 100).setScale(1, java.math.RoundingMode.HALF_EVEN).toPlainString() + "%";
    }

    static String ms(Long value) {
        return value == null ? "–" : value + " ms";
    }

    /** A bar's length in per mille of the largest value (0 when all are 0). */
    private static int perMille(BigDecimal value, BigDecimal max) {
        return max.signum() == 0 ? 0 : value.multiply(BigDecimal.valueOf(1000)).divide(max, 0, java.math.RoundingMode.HALF_UP).intValue();
    }
}

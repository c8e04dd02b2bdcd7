package dev.griddle.sdk;

import dev.griddle.sdk.TraceModels.Series;
import dev.griddle.sdk.TraceModels.Summary;

/** Analytics over finished runs. */
public final class AnalyticsClient {

    private final Transport http;

    AnalyticsClient(Transport http) {
        this.http = http;
    }

    /** {@code query}: {@code window=day|week|month|all&from=&to=&runner_id=} (or null). */
    public Summary summary(String query) {
        return http.call("GET", "/api/v1/analytics/summary" + (query == null || query.isEmpty() ? "" : "?" + query), null, Summary.class);
    }

    /** {@code query}: {@code metric=runs|cost_usd|tokens|steps&granularity=hour|day&from=&to=}. */
    public Series timeseries(String query) {
        return http.call("GET", "/api/v1/analytics/timeseries" + (query == null || query.isEmpty() ? "" : "?" + query), null, Series.class);
    }
}

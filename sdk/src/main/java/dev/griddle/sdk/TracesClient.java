package dev.griddle.sdk;

import dev.griddle.sdk.TraceModels.CreateEvaluation;
import dev.griddle.sdk.TraceModels.Evaluation;
import dev.griddle.sdk.TraceModels.Trace;
import dev.griddle.sdk.TraceModels.TraceDetail;
import java.util.UUID;

/** Traces: one per run (trace id = run id), with its span tree and evaluations. */
public final class TracesClient {

    private final Transport http;

    TracesClient(Transport http) {
        this.http = http;
    }

    /** {@code query} holds filters such as {@code runner_id=...&status=failed} (or null). */
    public Page<Trace> list(String query, PageRequest page) {
        return http.page("/api/v1/traces?" + (query == null || query.isEmpty() ? "" : query + "&") + page.query(), Trace.class);
    }

    public TraceDetail get(UUID traceId) {
        return http.call("GET", "/api/v1/traces/" + traceId, null, TraceDetail.class);
    }

    public Evaluation evaluate(UUID traceId, CreateEvaluation evaluation) {
        return http.call("POST", "/api/v1/traces/" + traceId + "/evaluations", evaluation, Evaluation.class);
    }
}

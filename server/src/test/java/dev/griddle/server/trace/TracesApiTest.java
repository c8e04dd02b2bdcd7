package dev.griddle.server.trace;

import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.TraceModels.CreateEvaluation;
import dev.griddle.sdk.TraceModels.Evaluation;
import dev.griddle.sdk.TraceModels.Span;
import dev.griddle.sdk.TraceModels.TraceDetail;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TracesApiTest extends TraceApiTest {

    @Test
    void aRunBecomesASpanTreeWithRolledUpUsage() {
        Org org = org();
        var r = runner(org.client(), """
                steps:
                  - {id: fetch, type: http, with: {method: GET, url: "%s"}}
                  - id: flaky
                    type: http
                    retry: {max_attempts: 2, initial_interval_ms: 10}
                    with: {method: GET, url: "%s"}
                  - {id: shape, type: transform, needs: [fetch, flaky], with: {value: 1}}
                  - {id: never, type: transform, if: "false", with: {value: 2}}
                """.formatted(LOOPBACK.url("/ok"), LOOPBACK.url("/flaky/1/" + UUID.randomUUID())));
        Run run = runToEnd(org.client(), r.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        // LLM steps are not merged yet: their events, in the documented shape, are appended as they will be
        appendEvent(org.id(), run.id(), "llm_call", "fetch", """
                {"model": "gpt-4o-mini", "provider": "openai", "input_tokens": 120, "output_tokens": 30, "cost_usd": 0.0025,
                 "latency_ms": 40, "status": "ok"}""", run.finishedAt());
        appendEvent(org.id(), run.id(), "llm_call", "fetch", """
                {"model": "gpt-4o-mini", "provider": "openai", "input_tokens": 80, "output_tokens": 20, "cost_usd": 0.0015,
                 "latency_ms": 25, "status": "error", "error": "rate limited"}""", run.finishedAt());
        appendEvent(org.id(), run.id(), "tool_call", "fetch", """
                {"tool": "web_search", "latency_ms": 12, "status": "ok"}""", run.finishedAt());

        TraceDetail trace = org.client().traces().get(run.id());
        Map<String, Span> spans = trace.spans().stream().collect(Collectors.toMap(Span::id, Function.identity()));
        Span root = trace.spans().getFirst();
        assertThat(root.kind()).isEqualTo("run");
        assertThat(root.id()).isEqualTo(run.id().toString());
        assertThat(root.parentId()).isNull();
        assertThat(root.status()).isEqualTo("succeeded");
        assertThat(root.durationMs()).isNotNull();

        Span fetch = spans.get("fetch#1");
        assertThat(fetch.kind()).isEqualTo("http");
        assertThat(fetch.parentId()).isEqualTo(root.id());
        assertThat(fetch.status()).isEqualTo("succeeded");
        assertThat(fetch.attributes()).containsEntry("http_status", 200).containsEntry("step_type", "http");

        assertThat(spans.get("flaky#1").status()).isEqualTo("failed");
        assertThat(spans.get("flaky#1").attributes()).containsEntry("http_status", 503).containsKey("error");
        assertThat(spans.get("flaky#2").status()).isEqualTo("succeeded");
        assertThat(spans.get("shape#1").kind()).isEqualTo("step");
        assertThat(spans.get("never#skipped").status()).isEqualTo("skipped");
        assertThat(spans.get("never#skipped").attributes()).containsEntry("skip_reason", "condition_false");

        List<Span> calls = trace.spans().stream().filter(s -> s.kind().equals("llm")).toList();
        assertThat(calls).hasSize(2).allSatisfy(c -> {
            assertThat(c.parentId()).isEqualTo("fetch#1");
            assertThat(c.name()).isEqualTo("chat gpt-4o-mini");
            assertThat(c.attributes()).containsEntry("model", "gpt-4o-mini").containsEntry("provider", "openai");
        });
        assertThat(calls.get(0).durationMs()).isEqualTo(40);
        assertThat(calls.get(1).status()).isEqualTo("failed");
        assertThat(calls.get(1).attributes()).containsEntry("error", "rate limited");
        Span tool = trace.spans().stream().filter(s -> s.kind().equals("tool")).findFirst().orElseThrow();
        assertThat(tool.parentId()).isEqualTo("fetch#1");
        assertThat(tool.attributes()).containsEntry("tool", "web_search");

        assertThat(((Number) fetch.attributes().get("input_tokens")).longValue()).isEqualTo(200);
        assertThat(((Number) fetch.attributes().get("output_tokens")).longValue()).isEqualTo(50);
        assertThat(new BigDecimal(fetch.attributes().get("cost_usd").toString())).isEqualByComparingTo("0.004");
        assertThat(((Number) root.attributes().get("input_tokens")).longValue()).isEqualTo(200);
        assertThat(trace.trace().costUsd()).isEqualByComparingTo("0.004");
        assertThat(trace.trace().inputTokens()).isEqualTo(200);
        assertThat(trace.trace().status()).isEqualTo("succeeded");
    }

    @Test
    void evaluationsAreValidatedAndListed() {
        Org org = org();
        var r = runner(org.client(), "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        Run run = runToEnd(org.client(), r.id(), null);
        Evaluation e = org.client().traces().evaluate(run.id(), new CreateEvaluation("helpfulness", 0.8, "good enough"));
        assertThat(e.name()).isEqualTo("helpfulness");
        assertThat(e.score()).isEqualTo(0.8);
        assertThat(org.client().traces().get(run.id()).evaluations()).extracting(Evaluation::id).containsExactly(e.id());

        var missing = expectError(422, "VALIDATION_FAILED", () -> org.client().send("POST", "/api/v1/traces/" + run.id() + "/evaluations",
                "{\"score\": 1}", Map.of()));
        assertThat(missing.getMessage()).contains("name");
        var notNumber = expectError(422, "VALIDATION_FAILED", () -> org.client().send("POST", "/api/v1/traces/" + run.id() + "/evaluations",
                "{\"name\": \"x\", \"score\": \"high\"}", Map.of()));
        assertThat(notNumber.getMessage()).contains("score");
        var created = org.client().raw("POST", "/api/v1/traces/" + run.id() + "/evaluations", "{\"name\": \"x\", \"score\": 3}", Map.of());
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/api/v1/traces/" + run.id() + "/evaluations/"));
    }

    @Test
    void anotherOrganizationsTraceIsNotFound() {
        Org mine = org();
        var r = runner(mine.client(), "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        Run run = runToEnd(mine.client(), r.id(), null);
        var other = newOrg();
        expectError(404, "NOT_FOUND", () -> other.traces().get(run.id()));
        expectError(404, "NOT_FOUND", () -> other.traces().evaluate(run.id(), new CreateEvaluation("x", 1.0, null)));
        assertThat(other.traces().list("run_id=" + run.id(), PageRequest.first()).data()).isEmpty();
        expectError(404, "NOT_FOUND", () -> mine.client().traces().get(UUID.randomUUID()));
    }

    @Test
    void tracesAreListedAndFiltered() {
        Org org = org();
        var ok = runner(org.client(), "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        var bad = runner(org.client(), "steps:\n  - {id: b, type: http, with: {method: GET, url: \"%s\"}}\n".formatted(LOOPBACK.url("/status/500")));
        Run good = runToEnd(org.client(), ok.id(), null);
        Run failed = runToEnd(org.client(), bad.id(), null);
        assertThat(org.client().traces().list(null, PageRequest.first()).meta().total()).isEqualTo(2);
        assertThat(org.client().traces().list("status=failed", PageRequest.first()).data()).extracting(t -> t.id()).containsExactly(failed.id());
        assertThat(org.client().traces().list("runner_id=" + ok.id(), PageRequest.first()).data()).extracting(t -> t.id()).containsExactly(good.id());
        assertThat(org.client().traces().list("run_id=" + good.id(), PageRequest.first()).data()).singleElement()
                .satisfies(t -> assertThat(t.durationMs()).isNotNull());
        assertThat(org.client().traces().list("agent_id=" + UUID.randomUUID(), PageRequest.first()).data()).isEmpty();
        GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> org.client().traces().list("status=great", PageRequest.first()));
        assertThat(e.getMessage()).contains("status");
        e = expectError(422, "VALIDATION_FAILED", () -> org.client().traces().list("run_id=nope", PageRequest.first()));
        assertThat(e.getMessage()).contains("run_id");
    }
}

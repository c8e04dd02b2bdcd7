package dev.griddle.server.trace;

import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static dev.griddle.server.store.Sql.ts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.RunModels.Run;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Finished runs reach an OTLP/HTTP collector (a real HTTP server on loopback) with GenAI attributes. */
class TraceExportTest extends TraceApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    TransactionTemplate tx;

    @Test
    void finishedRunsAreExportedOverOtlp() {
        Org org = org();
        var r = runner(org.client(), "steps:\n  - {id: fetch, type: http, with: {method: GET, url: \"%s\"}}\n".formatted(LOOPBACK.url("/ok")));
        Run run = runToEnd(org.client(), r.id(), null);
        UUID llmRun = UUID.randomUUID();
        Instant now = Instant.now();
        tx.executeWithoutResult(s -> {
            jdbc.sql("""
                    insert into runs (id, org_id, runner_id, runner_version, status, input, trigger_type, created_at, started_at, finished_at)
                    values (:id, :org, :runner, 1, 'succeeded', '{}', 'api', :start, :start, :now)
                    """).param("id", llmRun).param("org", org.id()).param("runner", UUID.randomUUID()).param("start", ts(now.minusMillis(900)))
                    .param("now", ts(now)).update();
            appendEvent(org.id(), llmRun, "step_started", "ask", "{\"attempt\": 1}", now.minusMillis(800));
            appendEvent(org.id(), llmRun, "llm_call", "ask", """
                    {"model": "claude-sonnet", "provider": "anthropic", "input_tokens": 321, "output_tokens": 45, "cost_usd": 0.01,
                     "latency_ms": 500, "status": "ok"}""", now.minusMillis(100));
            appendEvent(org.id(), llmRun, "step_completed", "ask", "{\"attempt\": 1, \"output\": {}}", now);
        });

        String httpTrace = run.id().toString().replace("-", "");
        String llmTrace = llmRun.toString().replace("-", "");
        Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> spans(httpTrace).size() == 2 && spans(llmTrace).size() == 3);
        assertThat(LOOPBACK.exports).allSatisfy(e -> assertThat(e.contentType()).startsWith("application/json"));

        List<JsonNode> httpSpans = spans(httpTrace);
        JsonNode root = httpSpans.stream().filter(s -> !s.has("parentSpanId")).findFirst().orElseThrow();
        JsonNode fetch = httpSpans.stream().filter(s -> s.has("parentSpanId")).findFirst().orElseThrow();
        assertThat(fetch.path("parentSpanId").asString()).isEqualTo(root.path("spanId").asString());
        assertThat(fetch.path("spanId").asString()).hasSize(16);
        assertThat(fetch.path("name").asString()).isEqualTo("fetch");
        assertThat(attributes(fetch)).containsEntry("http.response.status_code", "200").containsEntry("griddle.step.type", "http");
        assertThat(fetch.path("status").path("code").asInt()).isEqualTo(1);
        assertThat(Long.parseLong(fetch.path("endTimeUnixNano").asString())).isGreaterThanOrEqualTo(Long.parseLong(fetch.path("startTimeUnixNano").asString()));

        JsonNode chat = spans(llmTrace).stream().filter(s -> s.path("name").asString().startsWith("chat ")).findFirst().orElseThrow();
        assertThat(chat.path("name").asString()).isEqualTo("chat claude-sonnet");
        assertThat(attributes(chat)).containsEntry("gen_ai.system", "anthropic").containsEntry("gen_ai.request.model", "claude-sonnet")
                .containsEntry("gen_ai.usage.input_tokens", "321").containsEntry("gen_ai.usage.output_tokens", "45")
                .containsEntry("gen_ai.operation.name", "chat");
        long start = Long.parseLong(chat.path("startTimeUnixNano").asString());
        long end = Long.parseLong(chat.path("endTimeUnixNano").asString());
        assertThat(end - start).isEqualTo(500_000_000L);
        JsonNode resource = JSON.readTree(LOOPBACK.exports.getFirst().body()).path("resourceSpans").get(0).path("resource");
        assertThat(resource.toString()).contains("service.name").contains("griddle");
    }

    /** Every span of one trace the collector received. */
    private static List<JsonNode> spans(String traceId) {
        List<JsonNode> found = new ArrayList<>();
        for (LoopbackServer.Export export : LOOPBACK.exports) {
            for (JsonNode rs : JSON.readTree(export.body()).path("resourceSpans")) {
                for (JsonNode ss : rs.path("scopeSpans")) {
                    for (JsonNode span : ss.path("spans")) {
                        if (span.path("traceId").asString().equals(traceId)) {
                            found.add(span);
                        }
                    }
                }
            }
        }
        return found;
    }

    private static Map<String, String> attributes(JsonNode span) {
        Map<String, String> map = new HashMap<>();
        for (JsonNode a : span.path("attributes")) {
            JsonNode v = a.path("value");
            map.put(a.path("key").asString(), v.has("stringValue") ? v.get("stringValue").asString()
                    : v.has("intValue") ? v.get("intValue").asString() : v.toString());
        }
        return map;
    }
}

package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunnerModels.Runner;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The {@code llm} step against fake providers: completions, usage and cost, retries, refusals, structured output. */
class LlmStepTest extends LlmTestBase {

    @Test
    void plainCompletionOutputsTextUsageAndCostAndTotalsTheRun() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiText("Paris.", 1000, 500));
        Runner runner = runner(client, """
                default_model: %s
                steps:
                  - id: ask
                    type: llm
                    with:
                      system: "Be brief. %s"
                      prompt: "Capital of {{ input.country }}?"
                      temperature: 0.2
                """.formatted(MODEL, tag));
        Run run = runToEnd(client, runner.id(), "{\"country\": \"France\"}");
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode out = output(client, run, "ask");
        assertThat(out.path("text").asString()).isEqualTo("Paris.");
        assertThat(out.path("json").isNull()).isTrue();
        assertThat(out.path("tool_calls").isArray()).isTrue();
        assertThat(out.path("usage").path("input_tokens").asLong()).isEqualTo(1000);
        assertThat(out.path("usage").path("output_tokens").asLong()).isEqualTo(500);
        // $1/M in, $2/M out: 0.001 + 0.001
        assertThat(out.path("usage").path("cost_usd").decimalValue()).isEqualByComparingTo("0.002");
        assertThat(run.inputTokens()).isEqualTo(1000);
        assertThat(run.outputTokens()).isEqualTo(500);
        assertThat(run.costUsd()).isEqualByComparingTo(new BigDecimal("0.002"));

        FakeProvider.Received request = FAKE.requests(tag).getFirst();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.headers().get("Authorization")).containsExactly("Bearer sk-test");
        assertThat(request.body().path("model").asString()).isEqualTo("test-model");
        assertThat(request.body().path("temperature").asDouble()).isEqualTo(0.2);
        JsonNode messages = request.body().path("messages");
        assertThat(messages.get(0).path("role").asString()).isEqualTo("system");
        assertThat(messages.get(1).path("content").toString()).contains("Capital of France?");

        var events = client.runs().events(run.id(), null, 100).data();
        var call = events.stream().filter(e -> e.type().equals("llm_call")).findFirst().orElseThrow();
        assertThat(call.stepId()).isEqualTo("ask");
        assertThat(call.data().path("model").asString()).isEqualTo(MODEL);
        assertThat(call.data().path("input_tokens").asLong()).isEqualTo(1000);
        assertThat(call.data().has("latency_ms")).isTrue();
    }

    @Test
    void anthropicWireFormat() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.anthropicText("Bonjour", 10, 3));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: anthropic/claude-sonnet-4, prompt: "Say hello %s"}
                """.formatted(tag));
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(output(client, run, "ask").path("text").asString()).isEqualTo("Bonjour");
        FakeProvider.Received request = FAKE.requests(tag).getFirst();
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.headers().get("X-api-key")).containsExactly("sk-ant-test");
        assertThat(request.body().path("model").asString()).isEqualTo("claude-sonnet-4-20250514");
        assertThat(run.costUsd()).isEqualByComparingTo(new BigDecimal("0.000075")); // 10 * 3/M + 3 * 15/M
    }

    @Test
    void rateLimitIsRetriedAfterRetryAfter() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.error(429, "slow down", Map.of("Retry-After", "1")), FakeProvider.openAiText("ok", 1, 1));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: %s, prompt: "hi %s"}
                """.formatted(MODEL, tag));
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        List<FakeProvider.Received> requests = FAKE.requests(tag);
        assertThat(requests).hasSize(2);
        // backoff without Retry-After would be 10 ms; the provider asked for a second
        assertThat(Duration.ofNanos(requests.get(1).atNanos() - requests.get(0).atNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        var call = client.runs().events(run.id(), null, 100).data().stream().filter(e -> e.type().equals("llm_call")).findFirst().orElseThrow();
        assertThat(call.data().path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void unauthorizedFailsAtOnceWithTheProvidersMessage() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.error(401, "Incorrect API key provided", Map.of()));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    retry: {max_attempts: 3, initial_interval_ms: 10}
                    with: {model: %s, prompt: "hi %s"}
                """.formatted(MODEL, tag));
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString()).contains("401").contains("Incorrect API key provided");
        assertThat(FAKE.requests(tag)).hasSize(1);
    }

    @Test
    void structuredOutputGetsOneRepair() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiText("{\"city\": 42}", 5, 5), FakeProvider.openAiText("```json\n{\"city\": \"Paris\"}\n```", 5, 5));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with:
                      model: %s
                      prompt: "Where? %s"
                      output_schema: {type: object, required: [city], properties: {city: {type: string}}}
                """.formatted(MODEL, tag));
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(output(client, run, "ask").path("json").path("city").asString()).isEqualTo("Paris");
        List<FakeProvider.Received> requests = FAKE.requests(tag);
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).body().path("messages").toString()).contains("does not match the JSON Schema");
        assertThat(run.inputTokens()).isEqualTo(10);
    }

    @Test
    void structuredOutputFailsAfterTheRepairSayingWhy() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiText("not json at all", 5, 5));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with:
                      model: %s
                      prompt: "Where? %s"
                      output_schema: {type: object}
                """.formatted(MODEL, tag));
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString()).contains("output_schema").contains("not JSON");
        assertThat(FAKE.requests(tag)).hasSize(2);
        assertThat(run.inputTokens()).isEqualTo(10); // spend is counted even when the step fails
    }
}

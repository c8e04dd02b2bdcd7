package dev.griddle.server.llm;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Base of this API tests: the server configured with one fake provider (OpenAI-style and
 * Anthropic-style at the same address; Ollama left unconfigured) and a custom model whose prices
 * make costs easy to compute: $1 per million input tokens, $2 per million output tokens.
 */
abstract class LlmTestBase extends ApiTest {

    static final FakeProvider FAKE = FakeProvider.shared();
    static final String MODEL = "openai/test-model";

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.anthropic.base-url", FAKE::baseUrl);
        registry.add("griddle.anthropic.api-key", () -> "sk-ant-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
        registry.add("griddle.llm.models[0].input-usd-per-mtok", () -> "1");
        registry.add("griddle.llm.models[0].output-usd-per-mtok", () -> "2");
        registry.add("griddle.llm.initial-backoff", () -> "10ms");
        registry.add("griddle.llm.max-attempts", () -> "3");
    }

    static String tag() {
        return "tag-" + UUID.randomUUID();
    }

    static Runner runner(GriddleClient client, String yaml) {
        return client.runners().createYaml("name: r-" + UUID.randomUUID() + "\n" + yaml);
    }

    static Run runToEnd(GriddleClient client, UUID runnerId, String inputJson) {
        Run started = client.runs().start(runnerId, StartRun.of(inputJson == null ? null : FakeProvider.JSON.readTree(inputJson)));
        return client.runs().await(started.id(), Duration.ofSeconds(30));
    }

    static JsonNode send(GriddleClient client, String method, String path, String body) {
        RawResponse r = client.send(method, path, body, Map.of());
        return r.body() == null || r.body().isBlank() ? null : json(r);
    }

    static JsonNode output(GriddleClient client, Run run, String step) {
        return client.runs().context(run.id()).path("steps").path(step);
    }
}

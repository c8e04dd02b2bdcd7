package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.GriddleApiException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /models} and model checks at publish time. */
class ModelCatalogTest extends LlmTestBase {

    @Test
    void catalogSaysWhichProvidersAreAvailable() {
        GriddleClient client = newOrg();
        Map<String, JsonNode> byId = new HashMap<>();
        JsonNode page = send(client, "GET", "/api/v1/models?per_page=100", null);
        page.path("data").forEach(m -> byId.put(m.path("id").asString(), m));
        assertThat(page.path("meta").path("total").asInt()).isEqualTo(byId.size());
        assertThat(byId.get("openai/gpt-4o-mini").path("available").asBoolean()).isTrue();
        assertThat(byId.get("openai/gpt-4o-mini").path("provider").asString()).isEqualTo("openai");
        assertThat(byId.get("openai/gpt-4o-mini").path("input_usd_per_mtok").decimalValue()).isEqualByComparingTo("0.15");
        assertThat(byId.get("anthropic/claude-sonnet-4").path("available").asBoolean()).isTrue();
        assertThat(byId.get("anthropic/claude-sonnet-4").path("context_window").asInt()).isEqualTo(200000);
        assertThat(byId.get("ollama/llama3.1").path("available").asBoolean()).isFalse();
        assertThat(byId.get(MODEL).path("output_usd_per_mtok").decimalValue()).isEqualByComparingTo("2");
    }

    @Test
    void unknownModelIsRejectedAtPublish() {
        GriddleClient client = newOrg();
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: openai/no-such-model, prompt: hi}
                """);
        GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> client.runners().publish(runner.id()));
        assertThat(e.getMessage()).contains("unknown model 'openai/no-such-model'");
        JsonNode validation = send(client, "POST", "/api/v1/runners/" + runner.id() + "/validate", null);
        assertThat(validation.path("valid").asBoolean()).isFalse();
        assertThat(validation.path("errors").get(0).path("path").asString()).isEqualTo("steps[0].with.model");
    }

    @Test
    void badPagingIs422() {
        expectError(422, "VALIDATION_FAILED", () -> send(newOrg(), "GET", "/api/v1/models?per_page=0", null));
    }
}

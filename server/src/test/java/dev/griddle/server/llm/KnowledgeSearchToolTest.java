package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunnerModels.Runner;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code knowledge_search} in an {@code llm} step against the fake provider: the runner's own documents, found with their citations. */
class KnowledgeSearchToolTest extends LlmTestBase {

    @Test
    void anLlmStepSearchesTheRunnersDocumentsAndGetsCitations() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "knowledge_search", "{\"query\": \"return the corvina kettle\", \"top_k\": 2}", 10, 5),
                FakeProvider.openAiText("Within 30 days (Kettle manual, passage 0).", 20, 5));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: %s, prompt: "How long may I return the kettle? %s", tools: [knowledge_search]}
                """.formatted(MODEL, tag));
        Runner other = runner(client, "steps:\n  - {id: noop, type: transform, with: {value: 1}}\n");
        Document manual = ready(client, client.knowledge().create(DocumentInput.text("Kettle manual",
                "# Returns\n\nA customer may return the corvina kettle within 30 days of delivery.", "runner", runner.id())).id());
        Document elsewhere = ready(client, client.knowledge().create(DocumentInput.text("Other manual",
                "The corvina kettle may be returned within 90 days, says another runner's document.", "runner", other.id())).id());

        Run run = runToEnd(client, runner.id(), null);

        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode call = output(client, run, "ask").path("tool_calls").get(0);
        JsonNode results = call.path("result").path("results");
        assertThat(results.size()).isEqualTo(1);
        JsonNode citation = results.get(0).path("citation");
        assertThat(citation.path("document_id").asString()).isEqualTo(manual.id().toString()).isNotEqualTo(elsewhere.id().toString());
        assertThat(citation.path("title").asString()).isEqualTo("Kettle manual");
        assertThat(citation.path("position").asInt()).isZero();
        assertThat(results.get(0).path("text").asString()).contains("within 30 days");
        List<FakeProvider.Received> requests = FAKE.requests(tag);
        assertThat(requests.getFirst().body().path("tools").get(0).path("function").path("name").asString()).isEqualTo("knowledge_search");
        assertThat(requests.get(1).body().path("messages").toString()).contains("within 30 days").contains(manual.id().toString())
                .doesNotContain("90 days");
    }

    /** The document once ingested; fails when it failed. */
    static Document ready(GriddleClient client, UUID id) {
        Document d = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> client.knowledge().get(id),
                doc -> !doc.status().equals("processing"));
        assertThat(d.status()).as(String.valueOf(d.error())).isEqualTo("ready");
        return d;
    }
}

package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.AgentModels.AgentInput;
import dev.griddle.sdk.AgentModels.MemoryEntry;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunnerModels.Runner;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code remember} and {@code recall} named in an {@code llm} step's tools, for the step's agent: a run has no user, so entries without one. */
class MemoryStepToolsTest extends LlmTestBase {

    @Test
    void anLlmStepWithAnAgentRemembersAndRecallsTheEntriesWithoutAUser() {
        GriddleClient client = newOrg();
        String tag = tag();
        UUID agent = client.agents().create(new AgentInput("step-mem-" + tag, null, MODEL, "answer", null, null)).id();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "remember", "{\"text\": \"The Oslo depot closes at 16:00\"}", 10, 5),
                FakeProvider.openAiToolCall("c2", "recall", "{\"query\": \"Oslo depot\"}", 10, 5), FakeProvider.openAiText("16:00.", 10, 5));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {agent_id: "%s", model: %s, prompt: "When does the depot close? %s", tools: [remember, recall]}
                """.formatted(agent, MODEL, tag));

        Run run = runToEnd(client, runner.id(), null);

        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        List<MemoryEntry> entries = client.agents().memory().list(agent, null, PageRequest.first()).data();
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.user()).isNull();
            assertThat(e.source()).isEqualTo("tool");
        });
        assertThat(output(client, run, "ask").path("tool_calls").get(1).path("result").path("memories").toString())
                .contains("The Oslo depot closes at 16:00");
    }
}

package dev.griddle.server.thread;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.AgentModels.AgentInput;
import dev.griddle.sdk.AgentModels.ChatThread;
import dev.griddle.sdk.AgentModels.MemoryEntry;
import dev.griddle.sdk.AgentModels.MemorySettings;
import dev.griddle.sdk.AgentModels.ThreadMessage;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.server.ApiTest;
import dev.griddle.server.thread.FakeStreamingProvider.Call;
import dev.griddle.server.thread.FakeStreamingProvider.Text;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The {@code remember} and {@code recall} tools of thread turns and {@code auto_index_turns}, against a fake provider over real HTTP and SSE. */
class MemoryToolsThreadTest extends ApiTest {

    static final FakeStreamingProvider FAKE = new FakeStreamingProvider();
    static final String MODEL = "openai/memory-model";

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
    }

    private static UUID agent(GriddleClient c, String tag) {
        return c.agents().create(new AgentInput("mem-" + tag, null, MODEL, "You help. " + tag, null, null)).id();
    }

    /** The text of the tool result the model was sent in the last request of {@code tag}. */
    private static String lastToolResult(String tag) {
        List<FakeStreamingProvider.Served> served = FAKE.servedFor(tag);
        JsonNode messages = served.getLast().body().path("messages");
        return messages.get(messages.size() - 1).path("content").asString();
    }

    @Test
    void whatATurnRemembersForAUserIsRecalledInTheirNextThreadAndNotInAnothersUsers() {
        GriddleClient c = newOrg();
        String tag = ThreadTest.tag();
        FAKE.script(tag, List.of(new Call("remember", "{\"text\": \"Ann's favourite colour is teal\"}")), List.of(new Text("Noted.")),
                List.of(new Call("recall", "{\"query\": \"favourite colour\"}")), List.of(new Text("Teal.")),
                List.of(new Call("recall", "{\"query\": \"favourite colour\"}")), List.of(new Text("I do not know.")));
        UUID agent = agent(c, tag);
        ChatThread first = c.threads().create(agent, "one", "ann");
        assertThat(first.user()).isEqualTo("ann");
        assertThat(c.threads().get(first.id()).user()).isEqualTo("ann");

        c.threads().send(first.id(), "Remember my favourite colour: teal", e -> { });
        JsonNode offered = FAKE.servedFor(tag).getFirst().body().path("tools");
        assertThat(offered.toString()).contains("\"remember\"").contains("\"recall\"");
        List<MemoryEntry> stored = c.agents().memory().list(agent, "ann", PageRequest.first()).data();
        assertThat(stored).singleElement().satisfies(e -> {
            assertThat(e.text()).isEqualTo("Ann's favourite colour is teal");
            assertThat(e.source()).isEqualTo("tool");
        });

        c.threads().send(c.threads().create(agent, "two", "ann").id(), "What is my favourite colour?", e -> { });
        assertThat(lastToolResult(tag)).contains("teal");

        c.threads().send(c.threads().create(agent, "three", "bob").id(), "What is my favourite colour?", e -> { });
        assertThat(lastToolResult(tag)).doesNotContain("teal");
        assertThat(c.agents().memory().list(agent, "bob", PageRequest.first()).data()).isEmpty();
    }

    @Test
    void withAutoIndexTurnsEachCompletedTurnBecomesAnEntryOfTheThreadsUser() {
        GriddleClient c = newOrg();
        String tag = ThreadTest.tag();
        FAKE.script(tag, List.of(new Text("Thanks, order 4411 is noted.")), List.of(new Text("Not indexed.")));
        UUID agent = agent(c, tag);
        assertThat(c.agents().memory().putSettings(agent, new MemorySettings(true)).autoIndexTurns()).isTrue();
        assertThat(c.agents().memory().settings(agent).autoIndexTurns()).isTrue();
        UUID thread = c.threads().create(agent, "orders", "cy").id();

        ThreadMessage answer = c.threads().send(thread, "My order number is 4411", e -> { });

        assertThat(answer.status()).isEqualTo("completed");
        List<MemoryEntry> entries = c.agents().memory().list(agent, null, PageRequest.first()).data();
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.user()).isEqualTo("cy");
            assertThat(e.source()).isEqualTo("turn");
            assertThat(e.text()).contains("My order number is 4411").contains("Thanks, order 4411 is noted.");
        });

        c.agents().memory().putSettings(agent, new MemorySettings(false));
        c.threads().send(thread, "Another message", e -> { });
        assertThat(c.agents().memory().list(agent, null, PageRequest.first()).meta().total()).isEqualTo(1);
    }

    @Test
    void aThreadUserMustBeShortAndNotBlank() {
        GriddleClient c = newOrg();
        UUID agent = agent(c, ThreadTest.tag());
        expectError(422, "VALIDATION_FAILED", () -> c.threads().create(agent, "t", " "));
        expectError(422, "VALIDATION_FAILED", () -> c.threads().create(agent, "t", "u".repeat(201)));
        assertThat(c.threads().list(agent, PageRequest.first()).data()).isEmpty();
    }
}

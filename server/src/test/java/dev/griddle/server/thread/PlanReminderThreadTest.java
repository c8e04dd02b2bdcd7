package dev.griddle.server.thread;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.AgentModels.ChatEvent;
import dev.griddle.sdk.AgentModels.Plan;
import dev.griddle.sdk.AgentModels.PlanInput;
import dev.griddle.sdk.AgentModels.ThreadMessage;
import dev.griddle.sdk.AgentModels.TodoInput;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import dev.griddle.server.thread.FakeStreamingProvider.Call;
import dev.griddle.server.thread.FakeStreamingProvider.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** {@code remind_on_turn_end} in threads: a turn that ends while the thread's plan has unfinished todos, over real HTTP and SSE. */
class PlanReminderThreadTest extends ApiTest {

    static final FakeStreamingProvider FAKE = new FakeStreamingProvider();
    static final String MODEL = "openai/remind-model";

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", FAKE::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
    }

    private static JsonNode send(GriddleClient c, String method, String path, Object body) {
        RawResponse r = c.send(method, path, body, Map.of());
        return r.body() == null || r.body().isBlank() ? null : json(r);
    }

    /** A thread whose agent's instructions carry {@code tag} (so the fake knows which script to play), with this plan setting. */
    private static UUID thread(GriddleClient c, String tag, Map<String, Object> planSetting) {
        String agent = send(c, "POST", "/api/v1/agents", Map.of("name", "a-" + tag, "model", MODEL, "instructions", "You help. " + tag))
                .path("id").asString();
        send(c, "PUT", "/api/v1/agents/" + agent + "/plan", planSetting);
        return c.threads().create(UUID.fromString(agent), "chat").id();
    }

    /** A plan of the thread with todos a, b, c set to these statuses. */
    private static Plan plan(GriddleClient c, UUID thread, String... statuses) {
        Plan plan = c.plans().create(new PlanInput("Refund", thread, null, List.of(new TodoInput("check order", null, null),
                new TodoInput("pay back", null, null), new TodoInput("tell customer", null, null))));
        for (int i = 0; i < statuses.length; i++) {
            c.plans().updateTodo(plan.id(), plan.todos().get(i).id(), new TodoInput(null, statuses[i], null));
        }
        return c.plans().get(plan.id());
    }

    @Test
    void aTurnThatEndsWithUnfinishedTodosIsRemindedOnceAndTheContinuationStreams() {
        GriddleClient c = newOrg();
        String tag = ThreadTest.tag();
        FAKE.script(tag, List.of(new Text("Hello.")), List.of(new Text("Working on "), new Text("them.")), List.of(new Text("never sent")));
        UUID thread = thread(c, tag, Map.of("enabled", true));
        Plan plan = plan(c, thread, "in_progress", "done", "open");

        List<ChatEvent> events = new ArrayList<>();
        ThreadMessage answer = c.threads().send(thread, "Refund order 7", events::add);

        List<FakeStreamingProvider.Served> served = FAKE.servedFor(tag);
        assertThat(served).as("the answer, then one reminder and the answer to it").hasSize(2);
        JsonNode messages = served.get(1).body().path("messages");
        JsonNode previous = messages.get(messages.size() - 2);
        assertThat(previous.path("role").asString()).isEqualTo("assistant");
        assertThat(previous.path("content").asString()).isEqualTo("Hello.");
        String reminder = messages.get(messages.size() - 1).path("content").asString();
        assertThat(messages.get(messages.size() - 1).path("role").asString()).isEqualTo("user");
        assertThat(reminder).contains("\"Refund\"").contains(plan.todos().get(0).id() + " [in_progress] check order")
                .contains(plan.todos().get(2).id() + " [open] tell customer").doesNotContain("pay back").contains("set_todo_status");

        assertThat(events).extracting(ChatEvent::type).containsExactly("message.delta", "message.delta", "message.delta", "message.delta",
                "message.completed");
        assertThat(events.get(1).data().path("text").asString()).isEqualTo("\n\n");
        assertThat(answer.content()).isEqualTo("Hello.\n\nWorking on them.");
        assertThat(answer.status()).isEqualTo("completed");
        JsonNode entry = answer.toolCalls().get(0);
        assertThat(entry.path("kind").asString()).isEqualTo("plan_reminder");
        assertThat(entry.path("plan_id").asString()).isEqualTo(plan.id().toString());
        assertThat(entry.path("todos")).extracting(t -> t.path("status").asString()).containsExactly("in_progress", "open");

        ThreadMessage stored = c.threads().messages(thread, dev.griddle.sdk.PageRequest.first()).data().getLast();
        assertThat(stored.content()).isEqualTo("Hello.\n\nWorking on them.");
        assertThat(stored.toolCalls().get(0).path("kind").asString()).isEqualTo("plan_reminder");

        var spans = c.traces().get(answer.id()).spans();
        assertThat(spans).extracting(s -> s.kind()).containsExactly("run", "llm", "llm");
        assertThat(spans.get(1).attributes()).as("the first answer").doesNotContainKey("plan_reminder");
        assertThat(spans.get(2).attributes()).as("the continuation is one more model call").containsEntry("plan_reminder", true);
    }

    @Test
    void theModelCanWorkThroughItsTodosAfterTheReminder() {
        GriddleClient c = newOrg();
        String tag = ThreadTest.tag();
        UUID thread = thread(c, tag, Map.of("enabled", true, "remind_on_turn_end", true));
        Plan plan = plan(c, thread, "done", "done", "open");
        String last = plan.todos().get(2).id().toString();
        FAKE.script(tag, List.of(new Text("Mostly done.")), List.of(new Call("set_todo_status", "{\"todo_id\": \"" + last + "\", \"status\": \"done\"}")),
                List.of(new Text(" Told the customer.")));

        List<ChatEvent> events = new ArrayList<>();
        ThreadMessage answer = c.threads().send(thread, "Finish it", events::add);
        assertThat(FAKE.servedFor(tag)).hasSize(3);
        assertThat(events).extracting(ChatEvent::type).containsExactly("message.delta", "message.delta", "tool.call", "tool.result",
                "message.delta", "message.completed");
        assertThat(answer.content()).isEqualTo("Mostly done.\n\n Told the customer.");
        assertThat(answer.toolCalls()).extracting(e -> e.has("kind") ? e.path("kind").asString() : e.path("name").asString())
                .containsExactly("plan_reminder", "set_todo_status");
        assertThat(c.plans().get(plan.id()).todos()).extracting(dev.griddle.sdk.AgentModels.Todo::status).containsOnly("done");
    }

    @Test
    void noReminderWhenItIsOffWhenThereIsNoPlanOrWhenEveryTodoIsFinished() {
        GriddleClient c = newOrg();

        String off = ThreadTest.tag();
        FAKE.script(off, List.of(new Text("Off.")));
        UUID offThread = thread(c, off, Map.of("enabled", true, "remind_on_turn_end", false));
        plan(c, offThread, "open", "in_progress");
        assertNoReminder(c, offThread, off, "Off.");

        String noPlan = ThreadTest.tag();
        FAKE.script(noPlan, List.of(new Text("No plan.")));
        assertNoReminder(c, thread(c, noPlan, Map.of("enabled", true)), noPlan, "No plan.");

        String finished = ThreadTest.tag();
        FAKE.script(finished, List.of(new Text("All finished.")));
        UUID finishedThread = thread(c, finished, Map.of("enabled", true));
        plan(c, finishedThread, "done", "cancelled", "done");
        assertNoReminder(c, finishedThread, finished, "All finished.");

        String disabled = ThreadTest.tag();
        FAKE.script(disabled, List.of(new Text("Plans off.")));
        UUID disabledThread = thread(c, disabled, Map.of("enabled", false, "remind_on_turn_end", true));
        plan(c, disabledThread, "open");
        assertNoReminder(c, disabledThread, disabled, "Plans off.");
        assertThat(FAKE.servedFor(disabled).getFirst().body().path("tools").toString()).as("plan setting disabled: no plan tools")
                .doesNotContain("create_plan").doesNotContain("add_todo");
    }

    private static void assertNoReminder(GriddleClient c, UUID thread, String tag, String text) {
        ThreadMessage answer = c.threads().send(thread, "Hi", null);
        assertThat(answer.content()).isEqualTo(text);
        assertThat(answer.toolCalls()).isEmpty();
        assertThat(FAKE.servedFor(tag)).hasSize(1);
    }
}

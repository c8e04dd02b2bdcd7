package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.AgentModels.Plan;
import dev.griddle.sdk.AgentModels.SkillInput;
import dev.griddle.sdk.AgentModels.Todo;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.sdk.RunnerModels.Runner;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Plans and skills in {@code llm} steps: the built-in tools a run's model gets, and the end-of-step plan reminder. */
class PlanSkillStepTest extends LlmTestBase {

    private static final List<String> PLAN_TOOLS = List.of("create_plan", "add_todo", "set_todo_status", "list_ready");

    private static Runner planRunner(GriddleClient client, String tag, String planSetting, String extraWith) {
        Runner runner = runner(client, """
                steps:
                  - id: work
                    type: llm
                    with: {model: %s, prompt: "Do the work. %s"%s}
                """.formatted(MODEL, tag, extraWith));
        if (planSetting != null) {
            send(client, "PUT", "/api/v1/runners/" + runner.id() + "/plan", planSetting);
        }
        return runner;
    }

    private static List<String> toolNames(FakeProvider.Received request) {
        return StreamSupport.stream(request.body().path("tools").spliterator(), false).map(t -> t.path("function").path("name").asString())
                .toList();
    }

    private static List<Plan> plansOf(GriddleClient client, Run run) {
        return client.plans().list(null, run.id(), PageRequest.first()).data();
    }

    private static List<JsonNode> logEvents(GriddleClient client, Run run) {
        return client.runs().events(run.id(), null, 200).data().stream().filter(e -> e.type().equals("log")).map(e -> e.data()).toList();
    }

    @Test
    void aStepWithThePlanSettingCreatesTheRunsPlanThroughTools() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "create_plan", "{\"title\": \"Report\", \"todos\": [\"fetch\", \"write\"]}", 10, 5),
                FakeProvider.openAiToolCall("c2", "add_todo", "{\"title\": \"review\"}", 10, 5), FakeProvider.openAiText("Planned.", 10, 5));
        Runner runner = planRunner(client, tag, "{\"enabled\": true, \"remind_on_turn_end\": false}", "");
        expectError(422, "VALIDATION_FAILED", () -> send(client, "PUT", "/api/v1/runners/" + runner.id() + "/plan", "{\"remind_on_turn_end\": \"yes\"}"));
        expectError(422, "VALIDATION_FAILED", () -> send(client, "PUT", "/api/v1/runners/" + runner.id() + "/plan", "{\"remind\": false}"));
        assertThat(send(client, "GET", "/api/v1/runners/" + runner.id() + "/plan", null).path("remind_on_turn_end").asBoolean())
                .as("a refused setting leaves the stored one").isFalse();

        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        List<Plan> plans = plansOf(client, run);
        assertThat(plans).hasSize(1);
        assertThat(plans.getFirst().runId()).isEqualTo(run.id());
        assertThat(plans.getFirst().threadId()).isNull();
        assertThat(plans.getFirst().title()).isEqualTo("Report");
        assertThat(plans.getFirst().todos()).extracting(Todo::title).containsExactly("fetch", "write", "review");
        assertThat(plans.getFirst().todos()).extracting(Todo::status).containsOnly("open");

        List<FakeProvider.Received> requests = FAKE.requests(tag);
        assertThat(requests).hasSize(3);
        assertThat(toolNames(requests.getFirst())).containsExactlyElementsOf(PLAN_TOOLS);
        JsonNode out = output(client, run, "work");
        assertThat(out.path("text").asString()).isEqualTo("Planned.");
        assertThat(out.path("tool_calls").get(0).path("result").path("todos")).hasSize(2);
        assertThat(out.path("tool_calls").get(1).path("result").path("title").asString()).isEqualTo("review");
        assertThat(client.runs().events(run.id(), null, 200).data()).filteredOn(e -> e.type().equals("tool_call"))
                .extracting(e -> e.data().path("tool").asString()).containsExactly("create_plan", "add_todo");
        assertThat(logEvents(client, run)).as("no reminder with remind_on_turn_end false").isEmpty();

        String plainTag = tag();
        FAKE.script(plainTag, FakeProvider.openAiText("No tools.", 1, 1));
        Run plain = runToEnd(client, planRunner(client, plainTag, null, "").id(), null);
        assertThat(plain.status()).isEqualTo("succeeded");
        assertThat(FAKE.requests(plainTag).getFirst().body().has("tools")).as("no plan setting, no skills: no built-in tools").isFalse();
        assertThat(plansOf(client, plain)).isEmpty();
    }

    @Test
    void planToolsWithoutAPlanAndBadArgumentsAreErrorsTheModelIsTold() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "list_ready", "{}", 1, 1),
                FakeProvider.openAiToolCall("c2", "create_plan", "{\"title\": \"  \"}", 1, 1),
                FakeProvider.openAiToolCall("c3", "create_plan", "{\"title\": \"P\", \"todos\": [\"a\"]}", 1, 1),
                FakeProvider.openAiToolCall("c4", "set_todo_status", "{\"todo_id\": \"not-an-id\", \"status\": \"done\"}", 1, 1),
                FakeProvider.openAiToolCall("c5", "set_todo_status", "{\"todo_id\": \"" + UUID.randomUUID() + "\", \"status\": \"done\"}", 1, 1),
                FakeProvider.openAiToolCall("c6", "set_todo_status", "{\"todo_id\": \"" + UUID.randomUUID() + "\", \"status\": \"finished\"}", 1, 1),
                FakeProvider.openAiText("ok", 1, 1));
        Runner runner = planRunner(client, tag, "{\"enabled\": true, \"remind_on_turn_end\": false}", "");
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode calls = output(client, run, "work").path("tool_calls");
        assertThat(calls.get(0).path("error").asString()).contains("no plan yet").contains("create_plan");
        assertThat(calls.get(1).path("error").asString()).contains("title must not be empty");
        assertThat(calls.get(2).path("result").path("todos")).hasSize(1);
        assertThat(calls.get(3).path("error").asString()).contains("not a todo id");
        assertThat(calls.get(4).path("error").asString()).contains("No todo with id");
        assertThat(calls.get(5).path("error").asString()).contains("status");
        assertThat(plansOf(client, run)).hasSize(1);
        assertThat(plansOf(client, run).getFirst().todos()).extracting(Todo::status).containsExactly("open");
    }

    /**
     * The first attempt starts the plan, then the provider fails until the attempt gives up; the
     * retried attempt's model does it all again and is handed the same plan and todo, marked
     * existing, instead of a second plan.
     */
    @Test
    void aRetriedAttemptReusesTheRunsPlan() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.respond(tag, request -> {
            String messages = request.path("messages").toString();
            if (!messages.contains("\\\"todos\\\"")) {
                return FakeProvider.openAiToolCall("c1", "create_plan", "{\"title\": \"Migrate\", \"todos\": [\"copy\", \"verify\"]}", 5, 5);
            }
            if (!messages.contains("existing")) {
                return FakeProvider.error(500, "provider overloaded", java.util.Map.of());
            }
            if (!messages.contains("not added again")) {
                return FakeProvider.openAiToolCall("c2", "add_todo", "{\"title\": \"copy\"}", 5, 5);
            }
            return FakeProvider.openAiText("Resumed.", 5, 5);
        });
        Runner runner = runner(client, """
                steps:
                  - id: work
                    type: llm
                    retry: {max_attempts: 2, backoff: fixed, initial_interval_ms: 10}
                    with: {model: %s, prompt: "Migrate. %s"}
                """.formatted(MODEL, tag));
        send(client, "PUT", "/api/v1/runners/" + runner.id() + "/plan", "{\"enabled\": true, \"remind_on_turn_end\": false}");

        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(client.runs().steps(run.id())).extracting(StepRun::attempt).containsExactly(2);
        List<Plan> plans = plansOf(client, run);
        assertThat(plans).as("one plan for the run, not one per attempt").hasSize(1);
        assertThat(plans.getFirst().todos()).extracting(Todo::title).containsExactly("copy", "verify");
        JsonNode calls = output(client, run, "work").path("tool_calls");
        assertThat(calls.get(0).path("result").path("existing").asBoolean()).isTrue();
        assertThat(calls.get(0).path("result").path("id").asString()).isEqualTo(plans.getFirst().id().toString());
        assertThat(calls.get(1).path("result").path("existing").asBoolean()).isTrue();
        assertThat(calls.get(1).path("result").path("id").asString()).isEqualTo(plans.getFirst().todos().getFirst().id().toString());
    }

    @Test
    void parallelItemsOfOneRunShareOnePlan() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.respond(tag, request -> request.path("messages").toString().contains("\"role\":\"tool\"") ? FakeProvider.openAiText("ok", 1, 1)
                : FakeProvider.openAiToolCall("c1", "create_plan", "{\"title\": \"Shared\", \"todos\": [\"a\", \"b\"]}", 1, 1));
        Runner runner = runner(client, """
                steps:
                  - id: work
                    type: llm
                    for_each: input.items
                    max_parallel: 4
                    with: {model: %s, prompt: "Part {{ item }}. %s"}
                """.formatted(MODEL, tag));
        send(client, "PUT", "/api/v1/runners/" + runner.id() + "/plan", "{\"enabled\": true, \"remind_on_turn_end\": false}");

        Run run = runToEnd(client, runner.id(), "{\"items\": [1, 2, 3, 4]}");
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        List<Plan> plans = plansOf(client, run);
        assertThat(plans).hasSize(1);
        assertThat(plans.getFirst().todos()).hasSize(2);
        JsonNode items = output(client, run, "work");
        assertThat(items).hasSize(4);
        List<Boolean> existing = StreamSupport.stream(items.spliterator(), false)
                .map(i -> i.path("tool_calls").get(0).path("result").path("existing").asBoolean(false)).toList();
        assertThat(existing).as("one item started the plan, the others were handed it").containsOnlyOnce(false);
    }

    @Test
    void loadSkillGivesInstructionsOnDemandAndMergesTheRunnersAndTheAgentsSkills() {
        GriddleClient client = newOrg();
        UUID style = client.skills().create(new SkillInput("style", "House style", "Write in short sentences. SECRET-STYLE")).id();
        UUID legal = client.skills().create(new SkillInput("legal", "Legal review", "Check the licence. SECRET-LEGAL")).id();
        UUID shared = client.skills().create(new SkillInput("shared", "Both have it", "Shared rules. SECRET-SHARED")).id();
        String agentId = send(client, "POST", "/api/v1/agents", """
                {"name": "a-%s", "model": "%s", "instructions": "Agent rules."}
                """.formatted(UUID.randomUUID(), MODEL)).path("id").asString();
        send(client, "POST", "/api/v1/agents/" + agentId + "/skills", "{\"skill_id\": \"" + legal + "\"}");
        send(client, "POST", "/api/v1/agents/" + agentId + "/skills", "{\"skill_id\": \"" + shared + "\"}");
        send(client, "PUT", "/api/v1/agents/" + agentId + "/plan", "{\"enabled\": true, \"remind_on_turn_end\": false}");

        String withAgent = tag();
        String runnerOnly = tag();
        FAKE.script(withAgent, FakeProvider.openAiToolCall("c1", "load_skill", "{\"name\": \"style\"}", 1, 1),
                FakeProvider.openAiToolCall("c2", "load_skill", "{\"name\": \"legal\"}", 1, 1),
                FakeProvider.openAiToolCall("c3", "load_skill", "{\"name\": \"nope\"}", 1, 1), FakeProvider.openAiText("Reviewed.", 1, 1));
        FAKE.script(runnerOnly, FakeProvider.openAiText("Styled.", 1, 1));
        Runner runner = runner(client, """
                steps:
                  - id: review
                    type: llm
                    with: {agent_id: "%s", system: "Step rules.", prompt: "Review. %s"}
                  - id: plain
                    type: llm
                    with: {model: %s, system: "Plain rules.", prompt: "Style. %s"}
                """.formatted(agentId, withAgent, MODEL, runnerOnly));
        send(client, "POST", "/api/v1/runners/" + runner.id() + "/skills", "{\"skill_id\": \"" + style + "\"}");
        send(client, "POST", "/api/v1/runners/" + runner.id() + "/skills", "{\"skill_id\": \"" + shared + "\"}");

        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        List<FakeProvider.Received> requests = FAKE.requests(withAgent);
        assertThat(requests).hasSize(4);
        JsonNode first = requests.getFirst().body();
        assertThat(toolNames(requests.getFirst())).as("the agent's plan setting reaches the step that names it")
                .containsExactly("load_skill", "create_plan", "add_todo", "set_todo_status", "list_ready");
        String description = first.path("tools").get(0).path("function").path("description").asString();
        assertThat(description).contains("style: House style", "legal: Legal review", "shared: Both have it");
        assertThat(description.split("shared:", -1)).as("a skill attached to both is listed once").hasSize(2);
        String system = first.path("messages").get(0).path("content").asString();
        assertThat(first.path("messages").get(0).path("role").asString()).isEqualTo("system");
        assertThat(system).contains("Agent rules.").contains("Step rules.").doesNotContain("SECRET");
        assertThat(requests.get(1).body().path("messages").toString()).contains("SECRET-STYLE").doesNotContain("SECRET-LEGAL");
        assertThat(requests.get(2).body().path("messages").toString()).contains("SECRET-LEGAL");
        JsonNode calls = output(client, run, "review").path("tool_calls");
        assertThat(calls.get(0).path("result").path("instructions").asString()).isEqualTo("Write in short sentences. SECRET-STYLE");
        assertThat(calls.get(2).path("error").asString()).contains("no skill named 'nope'").contains("style");

        JsonNode plain = FAKE.requests(runnerOnly).getFirst().body();
        assertThat(toolNames(FAKE.requests(runnerOnly).getFirst())).as("the runner's plan setting is off").containsExactly("load_skill");
        String plainDescription = plain.path("tools").get(0).path("function").path("description").asString();
        assertThat(plainDescription).as("without agent_id only the runner's skills").contains("style", "shared").doesNotContain("legal");
        assertThat(plain.path("messages").toString()).doesNotContain("SECRET");
    }

    @Test
    void aStepThatAnswersWithUnfinishedTodosIsRemindedOnce() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "create_plan", "{\"title\": \"Launch\", \"todos\": [\"draft\", \"send\"]}", 1, 1),
                FakeProvider.openAiText("First answer.", 1, 1), FakeProvider.openAiText("Still working on it.", 1, 1));
        Runner runner = planRunner(client, tag, "{\"enabled\": true}", "");

        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        List<FakeProvider.Received> requests = FAKE.requests(tag);
        assertThat(requests).as("one reminder, then the model's second answer ends the step").hasSize(3);
        Plan plan = plansOf(client, run).getFirst();
        JsonNode messages = requests.get(2).body().path("messages");
        JsonNode previous = messages.get(messages.size() - 2);
        assertThat(previous.path("role").asString()).isEqualTo("assistant");
        assertThat(previous.path("content").asString()).isEqualTo("First answer.");
        JsonNode reminder = messages.get(messages.size() - 1);
        assertThat(reminder.path("role").asString()).isEqualTo("user");
        assertThat(reminder.path("content").asString()).contains("Launch").contains(plan.todos().get(0).id() + " [open] draft")
                .contains(plan.todos().get(1).id() + " [open] send").contains("set_todo_status");
        assertThat(output(client, run, "work").path("text").asString()).isEqualTo("Still working on it.");

        List<JsonNode> logs = logEvents(client, run);
        assertThat(logs).hasSize(1);
        assertThat(logs.getFirst().path("message").asString()).contains("plan reminder");
        assertThat(logs.getFirst().path("plan_reminder").path("plan_id").asString()).isEqualTo(plan.id().toString());
        assertThat(logs.getFirst().path("plan_reminder").path("todos")).hasSize(2);
        assertThat(client.runs().events(run.id(), null, 200).data()).filteredOn(e -> e.type().equals("llm_call")).hasSize(3);
    }

    @Test
    void theContinuationAfterAReminderIsBoundedByMaxToolCalls() {
        GriddleClient client = newOrg();
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "create_plan", "{\"title\": \"Loop\", \"todos\": [\"x\"]}", 1, 1),
                FakeProvider.openAiText("Done?", 1, 1), FakeProvider.openAiToolCall("c2", "list_ready", "{}", 1, 1));
        Runner runner = planRunner(client, tag, "{\"enabled\": true}", ", max_tool_calls: 1");
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString()).contains("max_tool_calls (1)");
        assertThat(FAKE.requests(tag)).hasSize(3);
        assertThat(FAKE.requests(tag).get(2).body().path("messages").toString()).contains("Reminder from Griddle");
    }

    @Test
    void noReminderWhenItIsOffWhenThereIsNoPlanOrWhenEveryTodoIsFinished() {
        GriddleClient client = newOrg();

        String off = tag();
        FAKE.script(off, FakeProvider.openAiToolCall("c1", "create_plan", "{\"title\": \"P\", \"todos\": [\"a\"]}", 1, 1),
                FakeProvider.openAiText("Bye.", 1, 1));
        Run offRun = runToEnd(client, planRunner(client, off, "{\"enabled\": true, \"remind_on_turn_end\": false}", "").id(), null);
        assertThat(offRun.status()).isEqualTo("succeeded");
        assertThat(FAKE.requests(off)).hasSize(2);
        assertThat(logEvents(client, offRun)).isEmpty();

        String noPlan = tag();
        FAKE.script(noPlan, FakeProvider.openAiText("Nothing to plan.", 1, 1));
        Run noPlanRun = runToEnd(client, planRunner(client, noPlan, "{\"enabled\": true}", "").id(), null);
        assertThat(noPlanRun.status()).isEqualTo("succeeded");
        assertThat(FAKE.requests(noPlan)).hasSize(1);
        assertThat(logEvents(client, noPlanRun)).isEmpty();

        // the model finishes one todo and cancels the other, reading their ids from create_plan's result
        String finished = tag();
        FAKE.respond(finished, request -> {
            List<JsonNode> results = new ArrayList<>();
            request.path("messages").forEach(m -> {
                if (m.path("role").asString().equals("tool")) {
                    results.add(FakeProvider.JSON.readTree(m.path("content").asString()));
                }
            });
            return switch (results.size()) {
                case 0 -> FakeProvider.openAiToolCall("c1", "create_plan", "{\"title\": \"P\", \"todos\": [\"a\", \"b\"]}", 1, 1);
                case 1 -> FakeProvider.openAiToolCall("c2", "set_todo_status",
                        "{\"todo_id\": \"" + results.get(0).path("todos").get(0).path("id").asString() + "\", \"status\": \"done\"}", 1, 1);
                case 2 -> FakeProvider.openAiToolCall("c3", "set_todo_status",
                        "{\"todo_id\": \"" + results.get(0).path("todos").get(1).path("id").asString() + "\", \"status\": \"cancelled\"}", 1, 1);
                default -> FakeProvider.openAiText("All finished.", 1, 1);
            };
        });
        Run finishedRun = runToEnd(client, planRunner(client, finished, "{\"enabled\": true}", "").id(), null);
        assertThat(finishedRun.status()).as(String.valueOf(finishedRun.error())).isEqualTo("succeeded");
        assertThat(FAKE.requests(finished)).hasSize(4);
        assertThat(plansOf(client, finishedRun).getFirst().todos()).extracting(Todo::status).containsExactly("done", "cancelled");
        assertThat(logEvents(client, finishedRun)).isEmpty();
        assertThat(output(client, finishedRun, "work").path("text").asString()).isEqualTo("All finished.");
    }
}

package dev.griddle.server.thread;

import dev.griddle.server.agent.Plan;
import dev.griddle.server.agent.Planner;
import dev.griddle.server.agent.Skill;
import dev.griddle.server.agent.SkillStore;
import dev.griddle.server.llm.Connections;
import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolContext;
import dev.griddle.server.tool.ToolException;
import dev.griddle.server.web.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tools Griddle gives a thread's agent itself: {@code load_skill} when skills are attached to the
 * agent, and the plan tools ({@code create_plan}, {@code add_todo}, {@code set_todo_status},
 * {@code list_ready}) when its {@code plan} setting is enabled. The plan tools work on the thread's
 * latest plan.
 */
@Component
class BuiltinTools {

    private final Planner planner;
    private final SkillStore skills;
    private final JsonMapper json;

    BuiltinTools(Planner planner, SkillStore skills, JsonMapper json) {
        this.planner = planner;
        this.skills = skills;
        this.json = json;
    }

    Map<String, Tool> forThread(ChatThread thread, Connections connections) {
        Map<String, Tool> out = new LinkedHashMap<>();
        List<Skill> attached = skills.all(thread.orgId(), connections.attachments().getOrDefault("skills", List.of()));
        if (!attached.isEmpty()) {
            out.put("load_skill", loadSkill(attached));
        }
        if (connections.plan() != null && connections.plan().path("enabled").asBoolean(false)) {
            planTools(thread).forEach(t -> out.put(t.name(), t));
        }
        return out;
    }

    private Tool loadSkill(List<Skill> attached) {
        String catalog = attached.stream().map(s -> "- " + s.name() + (s.description() == null ? "" : ": " + s.description()))
                .collect(Collectors.joining("\n"));
        return new Builtin("load_skill", "Loads the full instructions of one of your skills when the task needs it. Skills:\n" + catalog,
                schema("{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{\"name\":{\"type\":\"string\"}}}"), args -> {
                    String name = args.path("name").asString("");
                    Skill skill = attached.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new ToolException(
                            "no skill named '" + name + "'; available: " + attached.stream().map(Skill::name).toList(), false));
                    return json.createObjectNode().put("name", skill.name()).put("instructions", skill.instructions());
                });
    }

    private List<Tool> planTools(ChatThread thread) {
        List<Tool> out = new ArrayList<>();
        out.add(new Builtin("create_plan", "Starts a plan for this conversation: a title and the todos, in order.",
                schema("{\"type\":\"object\",\"required\":[\"title\"],\"properties\":{\"title\":{\"type\":\"string\"},"
                        + "\"todos\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}"),
                args -> {
                    List<String> todos = new ArrayList<>();
                    args.path("todos").forEach(t -> todos.add(t.asString()));
                    return view(planner.create(thread.orgId(), args.path("title").asString(), thread.id(), null, todos));
                }));
        out.add(new Builtin("add_todo", "Adds a todo to the plan, optionally blocked by other todos (their ids).",
                schema("{\"type\":\"object\",\"required\":[\"title\"],\"properties\":{\"title\":{\"type\":\"string\"},"
                        + "\"blocked_by\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}"),
                args -> {
                    Plan plan = plan(thread);
                    List<UUID> blockedBy = new ArrayList<>();
                    for (JsonNode b : args.path("blocked_by")) {
                        blockedBy.add(todoId(b.asString()));
                    }
                    blockedBy.forEach(b -> planner.todo(plan, b));
                    return json.valueToTree(planner.addTodo(plan, args.path("title").asString(), null, blockedBy));
                }));
        out.add(new Builtin("set_todo_status", "Sets a todo's status: open, in_progress, done or cancelled.",
                schema("{\"type\":\"object\",\"required\":[\"todo_id\",\"status\"],\"properties\":{\"todo_id\":{\"type\":\"string\"},"
                        + "\"status\":{\"type\":\"string\",\"enum\":[\"open\",\"in_progress\",\"done\",\"cancelled\"]}}}"),
                args -> json.valueToTree(planner.updateTodo(plan(thread), todoId(args.path("todo_id").asString()), null,
                        args.path("status").asString()))));
        out.add(new Builtin("list_ready", "Lists the plan's todos that are open and no longer blocked.", schema("{\"type\":\"object\"}"),
                args -> json.createObjectNode().set("ready", json.valueToTree(planner.ready(plan(thread))))));
        return out;
    }

    private Plan plan(ChatThread thread) throws ToolException {
        List<Plan> plans = planner.list(thread.orgId(), thread.id(), null, 100, 0);
        if (plans.isEmpty()) {
            throw new ToolException("this conversation has no plan yet; call create_plan first", false);
        }
        return plans.getLast();
    }

    private static UUID todoId(String raw) throws ToolException {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw new ToolException("'" + raw + "' is not a todo id", false);
        }
    }

    private JsonNode view(Plan plan) {
        return json.createObjectNode().put("id", plan.id().toString()).put("title", plan.title()).set("todos", json.valueToTree(plan.todos()));
    }

    private JsonNode schema(String text) {
        return json.readTree(text);
    }

    @FunctionalInterface
    private interface Body {
        JsonNode call(JsonNode arguments) throws ToolException;
    }

    /** A tool implemented in the server; an API error inside (a bad todo id, a cycle) is told to the model. */
    private record Builtin(String name, String description, JsonNode parameters, Body body) implements Tool {
        @Override
        public JsonNode call(JsonNode arguments, ToolContext context) throws ToolException {
            try {
                return body.call(arguments);
            } catch (ApiException e) {
                throw new ToolException(e.getMessage(), false);
            }
        }
    }
}

package dev.griddle.server.agent;

import dev.griddle.server.llm.Builtins;
import dev.griddle.server.llm.Connections;
import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolContext;
import dev.griddle.server.tool.ToolException;
import dev.griddle.server.web.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Griddle's own tools, for thread turns and {@code llm} steps: {@code load_skill} when skills are
 * attached, and the plan tools ({@code create_plan}, {@code add_todo}, {@code set_todo_status},
 * {@code list_ready}) when the {@code plan} setting is enabled; plus the end-of-turn reminder of
 * unfinished todos. The plan tools work on the owner's newest plan.
 *
 * <p>In a run they are idempotent by design: a retried step attempt (after a provider failure, a
 * timeout or a crashed node) replays what its model did before, so {@code create_plan} hands back
 * the plan the run already has, and {@code add_todo} the not-cancelled todo of the same title,
 * each marked {@code existing: true}, instead of adding them twice.
 */
@Component
class BuiltinTools implements Builtins {

    static final int MAX_TITLE = 1_000;
    static final int MAX_TODOS = 500;

    private final Planner planner;
    private final SkillStore skills;
    private final JsonMapper json;

    BuiltinTools(Planner planner, SkillStore skills, JsonMapper json) {
        this.planner = planner;
        this.skills = skills;
        this.json = json;
    }

    @Override
    public Map<String, Tool> tools(PlanOwner owner, Connections connections) {
        Map<String, Tool> out = new LinkedHashMap<>();
        List<Skill> attached = skills.all(owner.orgId(), connections.attachments().getOrDefault("skills", List.of()));
        if (!attached.isEmpty()) {
            out.put("load_skill", loadSkill(attached));
        }
        if (enabled(connections.plan())) {
            planTools(owner).forEach(t -> out.put(t.name(), t));
        }
        return out;
    }

    @Override
    public Optional<Reminder> reminder(PlanOwner owner, Connections connections) {
        JsonNode settings = connections.plan();
        if (!enabled(settings) || !settings.path("remind_on_turn_end").asBoolean(true)) {
            return Optional.empty();
        }
        return planner.latest(owner.orgId(), owner.threadId(), owner.runId()).flatMap(BuiltinTools::reminder);
    }

    /** The reminder for a plan with open or in-progress todos; none when every todo is done or cancelled. */
    static Optional<Reminder> reminder(Plan plan) {
        List<OpenTodo> open = plan.todos().stream().filter(t -> t.status().equals("open") || t.status().equals("in_progress"))
                .map(t -> new OpenTodo(t.id(), t.title(), t.status())).toList();
        if (open.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder message = new StringBuilder("Reminder from Griddle: your plan \"").append(plan.title())
                .append("\" still has unfinished todos:\n");
        open.forEach(t -> message.append("- ").append(t.id()).append(" [").append(t.status()).append("] ").append(t.title()).append('\n'));
        message.append("Continue working on them, or update their status with set_todo_status (done when finished, cancelled when no longer "
                + "needed), then give your answer.");
        return Optional.of(new Reminder(plan.id(), plan.title(), open, message.toString()));
    }

    private static boolean enabled(JsonNode settings) {
        return settings != null && settings.path("enabled").asBoolean(false);
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

    private List<Tool> planTools(PlanOwner owner) {
        String scope = owner.runId() != null ? "run" : "conversation";
        List<Tool> out = new ArrayList<>();
        out.add(new Builtin("create_plan", "Starts a plan for this " + scope + ": a title and the todos, in order."
                + (owner.runId() != null ? " A run has one plan: when it already has one, that plan is returned as it is." : ""),
                schema("{\"type\":\"object\",\"required\":[\"title\"],\"properties\":{\"title\":{\"type\":\"string\"},"
                        + "\"todos\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}"),
                args -> createPlan(owner, args)));
        out.add(new Builtin("add_todo", "Adds a todo to the plan, optionally blocked by other todos (their ids).",
                schema("{\"type\":\"object\",\"required\":[\"title\"],\"properties\":{\"title\":{\"type\":\"string\"},"
                        + "\"blocked_by\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}"),
                args -> addTodo(owner, args)));
        out.add(new Builtin("set_todo_status", "Sets a todo's status: open, in_progress, done or cancelled.",
                schema("{\"type\":\"object\",\"required\":[\"todo_id\",\"status\"],\"properties\":{\"todo_id\":{\"type\":\"string\"},"
                        + "\"status\":{\"type\":\"string\",\"enum\":[\"open\",\"in_progress\",\"done\",\"cancelled\"]}}}"),
                args -> json.valueToTree(planner.updateTodo(plan(owner), todoId(args.path("todo_id").asString()), null,
                        args.path("status").asString()))));
        out.add(new Builtin("list_ready", "Lists the plan's todos that are open and no longer blocked.", schema("{\"type\":\"object\"}"),
                args -> json.createObjectNode().set("ready", json.valueToTree(planner.ready(plan(owner))))));
        return out;
    }

    private JsonNode createPlan(PlanOwner owner, JsonNode args) throws ToolException {
        String title = title(args.path("title").asString(""), "title");
        List<String> todos = new ArrayList<>();
        for (JsonNode t : args.path("todos")) {
            todos.add(title(t.asString(""), "todos[" + todos.size() + "]"));
        }
        if (todos.size() > MAX_TODOS) {
            throw new ToolException("a plan starts with at most " + MAX_TODOS + " todos, was " + todos.size(), false);
        }
        if (owner.threadId() != null) {
            return view(planner.create(owner.orgId(), title, owner.threadId(), null, todos));
        }
        Planner.RunPlan started = planner.startForRun(owner.orgId(), owner.runId(), title, todos);
        ObjectNode out = view(started.plan());
        if (!started.created()) {
            out.put("existing", true).put("note", "This run already has this plan (started by an earlier attempt or another step); it is "
                    + "returned as it is, with the todos' statuses. Carry on with it: add_todo for new todos, set_todo_status to update.");
        }
        return out;
    }

    private JsonNode addTodo(PlanOwner owner, JsonNode args) throws ToolException {
        Plan plan = plan(owner);
        String title = title(args.path("title").asString(""), "title");
        List<UUID> blockedBy = new ArrayList<>();
        for (JsonNode b : args.path("blocked_by")) {
            blockedBy.add(todoId(b.asString()));
        }
        if (owner.runId() != null) {
            Optional<Plan.Todo> same = plan.todos().stream().filter(t -> t.title().equals(title) && !t.status().equals("cancelled")).findFirst();
            if (same.isPresent()) {
                ObjectNode out = json.valueToTree(same.get());
                return out.put("existing", true).put("note", "The plan already has this todo; it was not added again.");
            }
        }
        return json.valueToTree(planner.addTodo(plan, title, null, blockedBy));
    }

    private Plan plan(PlanOwner owner) throws ToolException {
        return planner.latest(owner.orgId(), owner.threadId(), owner.runId()).orElseThrow(() -> new ToolException(
                "this " + (owner.runId() != null ? "run" : "conversation") + " has no plan yet; call create_plan first", false));
    }

    private static String title(String raw, String field) throws ToolException {
        String title = raw.strip();
        if (title.isEmpty()) {
            throw new ToolException(field + " must not be empty", false);
        }
        if (title.length() > MAX_TITLE) {
            throw new ToolException(field + " is " + title.length() + " characters; at most " + MAX_TITLE, false);
        }
        return title;
    }

    private static UUID todoId(String raw) throws ToolException {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw new ToolException("'" + raw + "' is not a todo id", false);
        }
    }

    private ObjectNode view(Plan plan) {
        ObjectNode out = json.createObjectNode().put("id", plan.id().toString()).put("title", plan.title());
        out.set("todos", json.valueToTree(plan.todos()));
        return out;
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
    public String recordedKind() {
        return null;
    }

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

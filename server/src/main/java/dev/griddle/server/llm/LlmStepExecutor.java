package dev.griddle.server.llm;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.runner.PinnedRunner;
import dev.griddle.server.runner.RunnerCatalog;
import dev.griddle.server.secret.OrgSecrets;
import dev.griddle.server.step.StepExecutor;
import dev.griddle.server.step.StepOutcome;
import dev.griddle.server.step.StepTask;
import dev.griddle.server.tool.ConnectedTools;
import dev.griddle.server.tool.JsonSchemas;
import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolCalls;
import dev.griddle.server.tool.ToolRegistry;
import dev.langchain4j.model.chat.ChatModel;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code llm} steps: works out the model (the step's, else the agent's, else the runner's
 * {@code default_model}), the system prompt (the agent's instructions, then the step's
 * {@code system}), the tools (the step's {@code tools}, drawn from the runner's connections merged
 * with the agent's, plus the {@link Builtins} those connections give: {@code load_skill} and the
 * run's plan tools) and the budget, then hands over to a {@link Conversation}.
 */
@Component
class LlmStepExecutor implements StepExecutor {

    private final ModelCatalog catalog;
    private final ChatModels chatModels;
    private final ModelCaller caller;
    private final RunnerCatalog runners;
    private final RunLedger ledger;
    private final BudgetStore budgets;
    private final ObjectProvider<Agents> agents;
    private final ObjectProvider<Connections.Source> connections;
    private final ObjectProvider<Builtins> builtins;
    private final ToolRegistry tools;
    private final ToolCalls toolCalls;
    private final JsonSchemas schemas;
    private final LlmProperties props;
    private final JsonMapper json;
    private final Clock clock;

    LlmStepExecutor(ModelCatalog catalog, ChatModels chatModels, ModelCaller caller, RunnerCatalog runners, RunLedger ledger, BudgetStore budgets,
            ObjectProvider<Agents> agents, ObjectProvider<Connections.Source> connections, ObjectProvider<Builtins> builtins, ToolRegistry tools,
            ToolCalls toolCalls, JsonSchemas schemas, LlmProperties props, JsonMapper json, Clock clock) {
        this.catalog = catalog;
        this.chatModels = chatModels;
        this.caller = caller;
        this.runners = runners;
        this.ledger = ledger;
        this.budgets = budgets;
        this.agents = agents;
        this.connections = connections;
        this.builtins = builtins;
        this.tools = tools;
        this.toolCalls = toolCalls;
        this.schemas = schemas;
        this.props = props;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String type() {
        return "llm";
    }

    @Override
    public StepOutcome execute(StepTask task) throws InterruptedException {
        JsonNode with = task.arguments();
        String secret = OrgSecrets.firstPlaceholder(with);
        if (secret != null) {
            // a prompt would hand the value to the model provider, and its reply could carry it anywhere
            return StepOutcome.failed("llm: secrets.%s cannot be sent to a model; use secrets in http steps and custom HTTP tools".formatted(secret),
                    false);
        }
        PinnedRunner runner = runners.version(task.orgId(), task.runnerId(), task.runnerVersion()).orElse(null);
        Agents.Profile agent = null;
        if (with.hasNonNull("agent_id")) {
            String raw = with.get("agent_id").asString("");
            // the reference rule: only an agent of the run's project (any of the organization's when the run has none);
            // another project's agent reads as unknown, so the failure reveals nothing about it
            ProjectScope scope = ProjectScope.ofOwner(task.projectId());
            Optional<Agents.Profile> found = parseUuid(raw).flatMap(id -> Optional.ofNullable(agents.getIfAvailable()).flatMap(a -> a.find(task.orgId(), id)))
                    .filter(a -> scope.sees(a.projectId()));
            if (found.isEmpty()) {
                return StepOutcome.failed("llm: no agent with id '" + raw + "'", false);
            }
            agent = found.get();
        }
        String modelId = text(with, "model");
        if (modelId == null && agent != null) {
            modelId = agent.model();
        }
        if (modelId == null && runner != null) {
            modelId = runner.spec().defaultModel();
        }
        if (modelId == null || modelId.isBlank()) {
            return StepOutcome.failed("llm: no model: set with.model, the agent's model or the runner's default_model", false);
        }
        Optional<ModelCatalog.Model> model = catalog.find(modelId);
        if (model.isEmpty()) {
            return StepOutcome.failed("llm: " + catalog.problem(modelId).orElseThrow(), false);
        }
        ChatModel chat;
        try {
            chat = chatModels.forModel(model.get(), agent == null ? null : agent.credentials().get(model.get().provider().wire() + "_api_key"));
        } catch (ChatModels.NotConfiguredException e) {
            return StepOutcome.failed("llm: " + e.getMessage(), false);
        }
        Connections merged = connections(task, agent);
        Map<String, Tool> stepTools;
        try {
            stepTools = tools(task, with, merged, agent);
        } catch (IllegalArgumentException e) {
            return StepOutcome.failed("llm: " + e.getMessage(), false);
        }
        Builtins own = builtins.getIfAvailable();
        Builtins.PlanOwner planOwner = Builtins.PlanOwner.run(task.orgId(), task.runId());
        if (own != null) {
            own.tools(planOwner, merged).forEach(stepTools::putIfAbsent);
        }
        JsonNode outputSchema = with.get("output_schema");
        if (outputSchema != null && !outputSchema.isNull()) {
            List<String> problems = schemas.checkSchema(outputSchema);
            if (!problems.isEmpty()) {
                return StepOutcome.failed("llm: output_schema is not a usable JSON Schema: " + String.join("; ", problems), false);
            }
        } else {
            outputSchema = null;
        }
        Double temperature = with.path("temperature").isNumber() ? Double.valueOf(with.get("temperature").asDouble())
                : agent == null ? null : agent.temperature();
        int maxToolCalls = with.path("max_tool_calls").isIntegralNumber() ? with.get("max_tool_calls").asInt() : props.maxToolCalls();
        String system = join(agent == null ? null : agent.instructions(), text(with, "system"));
        Budget budget = budgets.forRun(task.orgId(), task.runnerId(), task.runId()).orElse(null);
        Conversation.Limits limits = new Conversation.Limits(budget, budget == null ? null : ledger.spend(task.orgId(), task.runId()),
                budget != null && budget.maxCostUsdPerDay() != null ? ledger.spentToday(task.orgId(), task.runnerId(), clock.instant()) : null,
                maxToolCalls);
        return new Conversation(caller, toolCalls, schemas, json, model.get(), chat, task, stepTools, outputSchema, temperature, limits,
                own == null ? Optional::empty : () -> own.reminder(planOwner, merged)).run(system, text(with, "prompt"));
    }

    /** The runner's connections, merged with the agent's when the step names one (API.md's merge table). */
    private Connections connections(StepTask task, Agents.Profile agent) {
        Connections.Source source = connections.getIfAvailable();
        if (source == null) {
            return new Connections(null, null, null, null);
        }
        Connections runnerSide = source.of(task.orgId(), "runner", task.runnerId());
        return agent == null ? runnerSide : Connections.merge(runnerSide, source.of(task.orgId(), "agent", agent.id()));
    }

    /** The tools the step names in {@code tools}, each of which must be connected (and allowed) to the runner or the agent. */
    private Map<String, Tool> tools(StepTask task, JsonNode with, Connections merged, Agents.Profile agent) {
        JsonNode names = with.get("tools");
        Map<String, Tool> out = new LinkedHashMap<>();
        if (names == null || names.isNull() || (names.isArray() && names.isEmpty())) {
            return out;
        }
        if (!names.isArray()) {
            throw new IllegalArgumentException("tools must be a list of tool names");
        }
        Map<String, Connections.ToolLink> allowed = merged.allowedTools();
        List<ConnectedTools.Owner> owners = agent == null ? List.of(new ConnectedTools.Owner("runner", task.runnerId()))
                : List.of(new ConnectedTools.Owner("runner", task.runnerId()), new ConnectedTools.Owner("agent", agent.id()));
        for (JsonNode n : names) {
            String name = n.asString("");
            Connections.ToolLink link = allowed.get(name);
            if (link == null) {
                Optional<Tool> connected = tools.connected(task.orgId(), name, owners);
                if (connected.isPresent()) {
                    out.put(name, connected.get());
                    continue;
                }
                throw new IllegalArgumentException("tool '" + name + "' is not connected to the runner" + (agent == null ? "" : " or the agent")
                        + " (or not allowed); attach it with POST /api/v1/runners/{id}/tools");
            }
            out.put(name, tools.byId(task.orgId(), link.toolId())
                    .orElseThrow(() -> new IllegalArgumentException("tool '" + name + "' no longer exists")));
        }
        return out;
    }

    private static Optional<UUID> parseUuid(String s) {
        try {
            return Optional.of(UUID.fromString(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode with, String field) {
        JsonNode v = with.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        String s = v.isString() ? v.asString() : v.toString();
        return s.isBlank() ? null : s;
    }

    private static String join(String first, String second) {
        if (first == null || first.isBlank()) {
            return second;
        }
        return second == null ? first : first + "\n\n" + second;
    }
}

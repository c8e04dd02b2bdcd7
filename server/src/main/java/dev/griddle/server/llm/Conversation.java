package dev.griddle.server.llm;

import dev.griddle.server.engine.RunReader;
import dev.griddle.server.step.StepOutcome;
import dev.griddle.server.step.StepTask;
import dev.griddle.server.tool.JsonSchemas;
import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolCalls;
import dev.griddle.server.tool.ToolContext;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.output.TokenUsage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code llm} step attempt: model calls in a loop while the model asks for tools (at most
 * {@code max_tool_calls} tool calls), the budget checked before every call, and a reply that must
 * match {@code output_schema} given one chance to repair itself. When the model answers while the
 * run's plan has unfinished todos (and the plan setting asks for it), it is reminded of them once
 * and answers again. Collects usage and the {@code llm_call}/{@code tool_call} events (and a
 * {@code log} event for a reminder) for the engine.
 */
final class Conversation {

    /** The budget (null = none), the run's committed spend (null without a budget), the runner's spend today (null when not limited), the tool-call bound. */
    record Limits(Budget budget, RunReader.Spend spend, BigDecimal dayCostUsd, int maxToolCalls) {
    }

    private final ModelCaller caller;
    private final ToolCalls toolCalls;
    private final JsonSchemas schemas;
    private final JsonMapper json;
    private final ModelCatalog.Model model;
    private final ChatModel chat;
    private final StepTask task;
    private final Map<String, Tool> tools;
    private final JsonNode outputSchema;
    private final Double temperature;
    private final Limits limits;
    private final Supplier<Optional<Builtins.Reminder>> reminders;

    private StepOutcome.Usage usage = StepOutcome.Usage.NONE;
    private final List<StepOutcome.Event> events = new ArrayList<>();
    private final ArrayNode toolCallLog;

    Conversation(ModelCaller caller, ToolCalls toolCalls, JsonSchemas schemas, JsonMapper json, ModelCatalog.Model model, ChatModel chat,
            StepTask task, Map<String, Tool> tools, JsonNode outputSchema, Double temperature, Limits limits,
            Supplier<Optional<Builtins.Reminder>> reminders) {
        this.caller = caller;
        this.toolCalls = toolCalls;
        this.schemas = schemas;
        this.json = json;
        this.model = model;
        this.chat = chat;
        this.task = task;
        this.tools = tools;
        this.outputSchema = outputSchema;
        this.temperature = temperature;
        this.limits = limits;
        this.reminders = reminders;
        this.toolCallLog = json.createArrayNode();
    }

    StepOutcome run(String system, String prompt) throws InterruptedException {
        List<ChatMessage> messages = new ArrayList<>();
        String instructions = system;
        if (outputSchema != null) {
            String format = "Reply with only a JSON value (no prose, no code fences) that matches this JSON Schema:\n" + outputSchema;
            instructions = instructions == null ? format : instructions + "\n\n" + format;
        }
        if (instructions != null) {
            messages.add(SystemMessage.from(instructions));
        }
        messages.add(UserMessage.from(prompt == null ? "" : prompt));
        List<ToolSpecification> specs = tools.values().stream().map(Conversation::spec).toList();
        int toolCallCount = 0;
        boolean repaired = false;
        boolean reminded = false;
        while (true) {
            Optional<String> over = overBudget();
            if (over.isPresent()) {
                return new StepOutcome.BudgetExceeded(over.get(), limits.budget().fails(), trail());
            }
            ChatRequest.Builder request = ChatRequest.builder().messages(messages).modelName(model.name());
            if (temperature != null) {
                request.temperature(temperature);
            }
            if (!specs.isEmpty()) {
                request.toolSpecifications(specs);
            }
            long t0 = System.nanoTime();
            ModelCaller.Reply reply;
            try {
                reply = caller.call(chat, request.build(), model.id());
            } catch (ModelCaller.CallFailedException e) {
                events.add(new StepOutcome.Event("llm_call", json.createObjectNode().put("model", model.id())
                        .put("latency_ms", (System.nanoTime() - t0) / 1_000_000).put("error", e.getMessage())));
                return new StepOutcome.Failed("llm: " + e.getMessage(), e.retryable, null, trail());
            }
            recordCall(reply, (System.nanoTime() - t0) / 1_000_000);
            AiMessage ai = reply.response().aiMessage();
            if (ai.hasToolExecutionRequests()) {
                messages.add(ai);
                for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                    if (++toolCallCount > limits.maxToolCalls()) {
                        return new StepOutcome.Failed("llm: the model asked for more than max_tool_calls (" + limits.maxToolCalls() + ") tool calls",
                                false, null, trail());
                    }
                    messages.add(ToolExecutionResultMessage.from(call, callTool(call)));
                }
                continue;
            }
            String text = ai.text() == null ? "" : ai.text();
            if (!reminded) {
                Optional<Builtins.Reminder> reminder = reminders.get();
                if (reminder.isPresent()) {
                    reminded = true;
                    remind(ai, text, reminder.get(), messages);
                    continue;
                }
            }
            JsonNode parsed = null;
            if (outputSchema != null) {
                List<String> problems = new ArrayList<>();
                parsed = parseJson(text, problems);
                if (parsed != null) {
                    problems.addAll(schemas.validate(outputSchema, parsed));
                }
                if (!problems.isEmpty()) {
                    if (!repaired) {
                        repaired = true;
                        messages.add(ai);
                        messages.add(UserMessage.from("Your reply does not match the JSON Schema:\n- " + String.join("\n- ", problems)
                                + "\nReply again with only the corrected JSON."));
                        continue;
                    }
                    ObjectNode details = json.createObjectNode().put("text", text);
                    details.set("problems", json.valueToTree(problems));
                    return new StepOutcome.Failed("llm: the reply does not match output_schema after one repair attempt: "
                            + String.join("; ", problems), false, details, trail());
                }
            }
            ObjectNode output = json.createObjectNode().put("text", text);
            output.set("json", parsed);
            output.set("tool_calls", toolCallLog);
            output.putObject("usage").put("input_tokens", usage.inputTokens()).put("output_tokens", usage.outputTokens())
                    .put("cost_usd", usage.costUsd());
            return new StepOutcome.Done(output, trail());
        }
    }

    /** The model gets the reminder and answers again; a {@code log} event records it for the run's feed. */
    private void remind(AiMessage ai, String text, Builtins.Reminder reminder, List<ChatMessage> messages) {
        if (!text.isBlank()) {
            messages.add(ai);
        }
        messages.add(UserMessage.from(reminder.message()));
        ObjectNode data = json.createObjectNode().put("message", "plan reminder: " + reminder.todos().size() + " unfinished todo(s) in plan '"
                + reminder.planTitle() + "'");
        ObjectNode detail = data.putObject("plan_reminder").put("plan_id", reminder.planId().toString());
        detail.set("todos", json.valueToTree(reminder.todos()));
        events.add(new StepOutcome.Event("log", data));
    }

    private Optional<String> overBudget() {
        Budget budget = limits.budget();
        if (budget == null) {
            return Optional.empty();
        }
        RunReader.Spend run = limits.spend();
        BigDecimal day = limits.dayCostUsd() == null ? BigDecimal.ZERO : limits.dayCostUsd().add(usage.costUsd());
        return budget.exceeded(new Budget.Spent(run.costUsd().add(usage.costUsd()), run.tokens() + usage.tokens(), day, run.extraUsd()));
    }

    private void recordCall(ModelCaller.Reply reply, long latencyMs) {
        TokenUsage tokens = reply.response().tokenUsage();
        long in = tokens == null || tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount();
        long out = tokens == null || tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount();
        BigDecimal cost = model.cost(in, out);
        usage = usage.plus(new StepOutcome.Usage(in, out, cost));
        events.add(new StepOutcome.Event("llm_call", json.createObjectNode().put("model", model.id()).put("input_tokens", in)
                .put("output_tokens", out).put("cost_usd", cost).put("latency_ms", latencyMs).put("attempts", reply.attempts())));
    }

    /** Runs one requested tool call; what the model is told back (a result, or an error it can correct). */
    private String callTool(ToolExecutionRequest call) throws InterruptedException {
        ObjectNode entry = toolCallLog.addObject().put("name", call.name());
        Tool tool = tools.get(call.name());
        if (tool == null) {
            String error = "error: no tool named '" + call.name() + "'; available: " + tools.keySet();
            entry.put("error", error);
            return error;
        }
        JsonNode arguments;
        try {
            arguments = call.arguments() == null || call.arguments().isBlank() ? json.createObjectNode() : json.readTree(call.arguments());
        } catch (RuntimeException e) {
            String error = "error: the arguments are not valid JSON: " + e.getMessage();
            entry.put("error", error);
            return error;
        }
        entry.set("arguments", arguments);
        ToolCalls.Call result = toolCalls.call(tool, arguments, new ToolContext(task.orgId(), task.runId(), task.stepId(), task.idempotencyKey(), task.projectId()));
        events.add(new StepOutcome.Event("tool_call", result.event()));
        if (!result.ok()) {
            entry.put("error", result.error());
            return "error: " + result.error();
        }
        entry.set("result", result.result());
        return json.writeValueAsString(result.result());
    }

    /** The reply as JSON; tolerates a Markdown code fence around it. Adds a problem and returns null when it is not JSON. */
    private JsonNode parseJson(String text, List<String> problems) {
        String s = text.strip();
        if (s.startsWith("```")) {
            int firstNewline = s.indexOf('\n');
            int lastFence = s.lastIndexOf("```");
            if (firstNewline > 0 && lastFence > firstNewline) {
                s = s.substring(firstNewline + 1, lastFence).strip();
            }
        }
        try {
            return json.readTree(s);
        } catch (RuntimeException e) {
            problems.add("the reply is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            return null;
        }
    }

    private StepOutcome.Trail trail() {
        return new StepOutcome.Trail(usage, events);
    }

    /** A tool's JSON Schema as LangChain4j's, keeping each property's schema as written. */
    static ToolSpecification spec(Tool tool) {
        JsonNode parameters = tool.parameters();
        JsonObjectSchema.Builder schema = JsonObjectSchema.builder();
        parameters.path("properties").properties().forEach(p -> schema.addProperty(p.getKey(), JsonRawSchema.from(p.getValue().toString())));
        List<String> required = new ArrayList<>();
        parameters.path("required").forEach(r -> required.add(r.asString()));
        schema.required(required);
        return ToolSpecification.builder().name(tool.name()).description(tool.description()).parameters(schema.build()).build();
    }
}

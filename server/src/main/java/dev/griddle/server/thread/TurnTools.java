package dev.griddle.server.thread;

import dev.griddle.server.llm.Builtins;
import dev.griddle.server.memory.AgentMemory;
import dev.griddle.server.llm.Connections;
import dev.griddle.server.tool.ConnectedTools;
import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolCalls;
import dev.griddle.server.tool.ToolContext;
import dev.griddle.server.tool.ToolRegistry;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tools of a thread turn: which the agent may call, calling one the model asked for (events
 * and timings included), and the plan reminder the agent's plan tools may call for.
 */
@Component
class TurnTools {

    private final ObjectProvider<Connections.Source> connections;
    private final AgentMemory memory;
    private final ToolRegistry tools;
    private final ToolCalls toolCalls;
    private final Builtins builtins;
    private final JsonMapper json;

    TurnTools(ObjectProvider<Connections.Source> connections, AgentMemory memory, ToolRegistry tools, ToolCalls toolCalls, Builtins builtins,
            JsonMapper json) {
        this.connections = connections;
        this.memory = memory;
        this.tools = tools;
        this.toolCalls = toolCalls;
        this.builtins = builtins;
        this.json = json;
    }

    /**
     * Everything the agent is connected to: Griddle's own tools ({@link Builtins}), the tools of
     * its MCP servers, database integrations and web setting, and its allowed custom tools; then
     * its memory of the thread's user ({@code remember}, {@code recall}). On a name clash a custom
     * tool wins over a connected one, both over a built-in one, and all of them over memory's.
     */
    Map<String, Tool> of(Turns.Prepared p) {
        Map<String, Tool> out = new LinkedHashMap<>();
        Connections.Source source = connections.getIfAvailable();
        if (source != null) {
            connected(p, source, out);
        }
        memory.tools(p.thread().orgId(), p.agent().id(), p.thread().user()).forEach(out::putIfAbsent);
        return out;
    }

    private void connected(Turns.Prepared p, Connections.Source source, Map<String, Tool> out) {
        Connections agentSide = source.of(p.thread().orgId(), "agent", p.agent().id());
        builtins.tools(Builtins.PlanOwner.thread(p.thread().orgId(), p.thread().id()), agentSide).forEach(out::put);
        tools.allConnected(p.thread().orgId(), List.of(new ConnectedTools.Owner("agent", p.agent().id()))).forEach(out::put);
        agentSide.allowedTools().forEach((name, link) -> tools.byId(p.thread().orgId(), link.toolId()).ifPresent(t -> out.put(name, t)));
    }

    String call(Turns.Prepared p, Map<String, Tool> agentTools, ToolExecutionRequest call, ArrayNode toolLog, Turn turn)
            throws InterruptedException {
        ObjectNode entry = toolLog.addObject().put("name", call.name());
        JsonNode arguments;
        try {
            arguments = call.arguments() == null || call.arguments().isBlank() ? json.createObjectNode() : json.readTree(call.arguments());
        } catch (RuntimeException e) {
            arguments = json.createObjectNode();
        }
        entry.set("arguments", arguments);
        turn.emit("tool.call", json.createObjectNode().put("name", call.name()).set("arguments", arguments));
        Tool tool = agentTools.get(call.name());
        String error;
        JsonNode result = null;
        JsonNode retrieval = null;
        TurnRecorder.ToolCall timing = turn.calls.startToolCall(call.name());
        if (tool == null) {
            error = "no tool named '" + call.name() + "'; available: " + agentTools.keySet();
        } else {
            ToolCalls.Call c;
            try {
                c = toolCalls.call(tool, arguments, new ToolContext(p.thread().orgId(), null, null, null, p.agent().projectId()));
            } catch (InterruptedException e) {
                turn.calls.endToolCall(timing, "cancelled", null, null);
                throw e;
            } catch (RuntimeException e) {
                turn.calls.endToolCall(timing, "failed", "the tool call failed; see the server log", null);
                throw e;
            }
            error = c.error();
            result = c.result();
            retrieval = c.event().get("retrieval");
        }
        turn.calls.endToolCall(timing, error == null ? "succeeded" : "failed", error, retrieval);
        if (error != null) {
            entry.put("error", error);
            turn.emit("tool.result", json.createObjectNode().put("name", call.name()).put("error", error));
            return "error: " + error;
        }
        entry.set("result", result);
        turn.emit("tool.result", json.createObjectNode().put("name", call.name()).set("result", result));
        return json.writeValueAsString(result);
    }

    /**
     * The reminder due now that the model has answered, if the agent's {@code plan} setting asks for
     * one and the thread's plan has unfinished todos.
     */
    Optional<Builtins.Reminder> reminder(Turns.Prepared p) {
        Connections.Source source = connections.getIfAvailable();
        if (source == null) {
            return Optional.empty();
        }
        return builtins.reminder(Builtins.PlanOwner.thread(p.thread().orgId(), p.thread().id()),
                source.of(p.thread().orgId(), "agent", p.agent().id()));
    }
}

package dev.griddle.server.tool;

import dev.griddle.server.step.StepExecutor;
import dev.griddle.server.step.StepOutcome;
import dev.griddle.server.step.StepTask;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** {@code tool} steps: {@code with: {tool, arguments}} calls one of the organization's tools directly, no model. */
@Component
class ToolStepExecutor implements StepExecutor {

    private final ToolRegistry registry;
    private final ToolCalls calls;

    ToolStepExecutor(ToolRegistry registry, ToolCalls calls) {
        this.registry = registry;
        this.calls = calls;
    }

    @Override
    public String type() {
        return "tool";
    }

    @Override
    public StepOutcome execute(StepTask task) throws InterruptedException {
        String name = task.arguments().path("tool").asString("");
        Optional<Tool> tool = registry.byName(task.orgId(), name);
        if (tool.isEmpty()) {
            tool = registry.connected(task.orgId(), name, List.of(new ConnectedTools.Owner("runner", task.runnerId())));
        }
        if (tool.isEmpty()) {
            return StepOutcome.failed("tool: no tool named '" + name + "' in this organization or the runner's connections", false);
        }
        ToolCalls.Call call = calls.call(tool.get(), task.arguments().get("arguments"),
                new ToolContext(task.orgId(), task.runId(), task.stepId(), task.idempotencyKey(), task.projectId()));
        StepOutcome.Trail trail = new StepOutcome.Trail(StepOutcome.Usage.NONE, List.of(new StepOutcome.Event("tool_call", call.event())));
        if (!call.ok()) {
            return new StepOutcome.Failed("tool: " + call.error(), call.retryable(), null, trail);
        }
        return new StepOutcome.Done(call.result(), trail);
    }
}

package dev.griddle.server.engine;

import dev.griddle.server.secret.OrgSecrets;
import dev.griddle.server.secret.SecretUse;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The expression context of a run: {@code {input, steps: {<id>: {output}}, run, secrets}}, plus
 * {@code item} inside for_each. {@code secrets} maps each name to its placeholder, never its value
 * ({@link OrgSecrets}).
 */
@Component
class RunContext {

    private final OrgSecrets secrets;

    RunContext(OrgSecrets secrets) {
        this.secrets = secrets;
    }

    /**
     * The context of one step of the run (null: the run's output); {@code secrets} holds
     * placeholders bound to that step, for the secrets available to the run's project.
     */
    ObjectNode of(RunTx run, String stepId) {
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        context.set("input", run.row.input());
        ObjectNode steps = context.putObject("steps");
        run.steps.forEach((id, step) -> {
            ObjectNode s = steps.putObject(id);
            s.set("output", step.output() == null ? JsonNodeFactory.instance.nullNode() : step.output());
            s.put("status", step.status().wire());
        });
        ObjectNode meta = context.putObject("run");
        meta.put("id", run.id().toString());
        meta.put("runner_id", run.row.runnerId().toString());
        meta.put("version", run.row.runnerVersion());
        meta.put("trigger_type", run.row.triggerType());
        context.set("secrets", secrets.placeholders(SecretUse.step(run.row.orgId(), run.row.projectId(), run.id(), stepId == null ? "" : stepId)));
        return context;
    }

    /**
     * The context of one item. A shallow copy: rendering only reads the context, so the items share
     * its input and step outputs rather than each deep-copying them (thousands of items, one run).
     */
    static ObjectNode withItem(ObjectNode context, JsonNode item) {
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        copy.setAll(context);
        copy.set("item", item);
        return copy;
    }
}

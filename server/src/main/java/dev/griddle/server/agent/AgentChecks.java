package dev.griddle.server.agent;

import dev.griddle.server.auth.ProjectStore;
import dev.griddle.server.runner.ModelNames;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import org.springframework.stereotype.Component;

/** The rules of an agent's fields, shared by the API and {@code apply}; problems are added under a path prefix. */
@Component
class AgentChecks {

    private final ProjectStore projects;
    private final ModelNames models;

    AgentChecks(ProjectStore projects, ModelNames models) {
        this.projects = projects;
        this.models = models;
    }

    /** {@code creating}: every required field must be there; otherwise a field left out is not checked (it keeps its value). */
    void check(Caller caller, AgentController.AgentBody body, boolean creating, String prefix, FieldErrors errors) {
        if (creating || body.name() != null) {
            errors.required(prefix + "name", body.name());
        }
        errors.maxLength(prefix + "name", body.name(), 200).maxLength(prefix + "description", body.description(), 10_000)
                .maxLength(prefix + "instructions", body.instructions(), 100_000);
        if (body.model() != null) {
            models.problem(body.model()).ifPresent(p -> errors.add(prefix + "model", p));
        }
        if (body.temperature() != null && (body.temperature() < 0 || body.temperature() > 2)) {
            errors.add(prefix + "temperature", "must be between 0 and 2, was " + body.temperature());
        }
        if (body.projectId() != null && projects.visible(caller, body.projectId()).isEmpty()) {
            errors.add(prefix + "project_id", "no project '" + body.projectId() + "' visible to this key");
        } else if (creating && body.projectId() == null && !caller.allProjects()) {
            errors.add(prefix + "project_id", "required for a key limited to some projects");
        }
    }
}

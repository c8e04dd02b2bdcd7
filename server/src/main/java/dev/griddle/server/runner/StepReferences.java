package dev.griddle.server.runner;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.expr.Templates;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The reference rule of docs/security.md: a runner may name (an {@code llm} step's
 * {@code agent_id}, a {@code runner} step's {@code runner_id}) only what a key limited to the
 * runner's project could see; a runner in no project may name anything in its organization.
 * One check for saving a draft, publishing and {@code apply}; templated ids are checked when the
 * step runs ({@code ChildRuns}, the llm step). An id that does not exist and one in another
 * project get the same message, so the check reveals nothing about other projects.
 *
 * <p>It reads {@code agents} directly (one indexed lookup by id) because the agent feature sits
 * above this package.
 */
@Component
public class StepReferences {

    private final JdbcClient jdbc;

    StepReferences(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Problems with the literal references of {@code steps} for a runner in {@code ownerProjectId}; paths start at {@code prefix}. */
    public List<ValidationError> check(UUID orgId, UUID ownerProjectId, List<RunnerDraft.Step> steps, String prefix) {
        return check(orgId, ownerProjectId, steps, prefix, id -> Optional.empty());
    }

    /**
     * {@link #check(UUID, UUID, List, String)} where {@code pending} gives the project of objects
     * about to be written (an apply bundle's: id -> its project, empty inside for none), which win
     * over what is stored.
     */
    public List<ValidationError> check(UUID orgId, UUID ownerProjectId, List<RunnerDraft.Step> steps, String prefix,
            Function<UUID, Optional<Optional<UUID>>> pending) {
        List<ValidationError> out = new ArrayList<>();
        if (steps == null) {
            return out;
        }
        ProjectScope scope = ProjectScope.ofOwner(ownerProjectId);
        for (int i = 0; i < steps.size(); i++) {
            RunnerDraft.Step step = steps.get(i);
            if (step == null || step.with() == null || !step.with().isObject() || step.type() == null) {
                continue;
            }
            String field = switch (step.type()) {
                case "llm" -> "agent_id";
                case "runner" -> "runner_id";
                default -> null;
            };
            JsonNode ref = field == null ? null : step.with().get(field);
            if (ref == null || !ref.isString() || ref.asString().isBlank() || Templates.hasTemplate(ref.asString())) {
                continue; // missing or mistyped is the validator's; templated ids are checked at run time
            }
            String table = field.equals("agent_id") ? "agents" : "runners";
            if (!visible(orgId, table, ref.asString().strip(), scope, pending)) {
                String kind = field.equals("agent_id") ? "agent" : "runner";
                out.add(new ValidationError(step.id(), prefix + "steps[" + i + "].with." + field, "no " + kind + " '" + ref.asString().strip() + "' "
                        + (ownerProjectId == null ? "in this organization" : "in this runner's project " + ownerProjectId)));
            }
        }
        return out;
    }

    private boolean visible(UUID orgId, String table, String id, ProjectScope scope, Function<UUID, Optional<Optional<UUID>>> pending) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return true; // not an id: the validator reports the shape
        }
        Optional<Optional<UUID>> declared = pending.apply(uuid);
        if (declared.isPresent()) {
            return scope.sees(declared.get().orElse(null));
        }
        Optional<Optional<UUID>> project = jdbc.sql("select project_id from " + table + " where org_id = :org and id = :id")
                .param("org", orgId).param("id", uuid).query((rs, n) -> Optional.ofNullable(rs.getObject("project_id", UUID.class))).optional();
        return project.isPresent() && scope.sees(project.get().orElse(null));
    }
}

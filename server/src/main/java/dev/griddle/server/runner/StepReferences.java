package dev.griddle.server.runner;

import dev.griddle.server.auth.ProjectScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

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
            StepSpec spec = step == null ? null : StepParser.shape(step.toStored());
            Reference ref = switch (spec) {
                case StepSpec.Llm llm -> new Reference("agent", "agents", "agent_id", llm.agentId());
                case StepSpec.ChildRun child -> new Reference("runner", "runners", "runner_id", child.runnerId());
                case null, default -> null;
            };
            if (ref == null || ref.id() == null) {
                continue; // missing or malformed is the validator's; templated ids are checked at run time
            }
            if (!visible(orgId, ref.table(), ref.id(), scope, pending)) {
                out.add(new ValidationError(step.id(), prefix + "steps[" + i + "].with." + ref.field(), "no " + ref.kind() + " '" + ref.id() + "' "
                        + (ownerProjectId == null ? "in this organization" : "in this runner's project " + ownerProjectId)));
            }
        }
        return out;
    }

    /** A literal id a step names: of a {@code kind} kept in {@code table}, written at {@code with.<field>}. */
    private record Reference(String kind, String table, String field, UUID id) {
    }

    private boolean visible(UUID orgId, String table, UUID uuid, ProjectScope scope, Function<UUID, Optional<Optional<UUID>>> pending) {
        Optional<Optional<UUID>> declared = pending.apply(uuid);
        if (declared.isPresent()) {
            return scope.sees(declared.get().orElse(null));
        }
        Optional<Optional<UUID>> project = jdbc.sql("select project_id from " + table + " where org_id = :org and id = :id")
                .param("org", orgId).param("id", uuid).query((rs, n) -> Optional.ofNullable(rs.getObject("project_id", UUID.class))).optional();
        return project.isPresent() && scope.sees(project.get().orElse(null));
    }
}

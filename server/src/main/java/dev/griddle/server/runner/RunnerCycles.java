package dev.griddle.server.runner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses {@code runner} steps that would make a runner run itself, directly or through other
 * runners. The graph is the literal {@code runner_id}s of every runner's draft and latest
 * published version (a child run without a version runs the latest, publishing the draft first),
 * walked from the runner being published. Templated ids cannot be followed here; the child-run
 * depth cap ({@code griddle.engine.max-child-depth}) stops those at run time.
 */
@Component
class RunnerCycles {

    /** The walk stops after this many runners; a graph that large is refused rather than walked further. */
    static final int MAX_RUNNERS = 1000;

    private final RunnerStore runners;
    private final VersionStore versions;
    private final JsonMapper json;

    RunnerCycles(RunnerStore runners, VersionStore versions, JsonMapper json) {
        this.runners = runners;
        this.versions = versions;
        this.json = json;
    }

    /** One error per {@code runner} step of {@code steps} (the draft of {@code runnerId}) that leads back to {@code runnerId}. */
    List<ValidationError> check(UUID orgId, UUID runnerId, List<RunnerDraft.Step> steps) {
        List<ValidationError> errors = new ArrayList<>();
        if (steps == null) {
            return errors;
        }
        Map<UUID, Set<UUID>> edges = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            RunnerDraft.Step step = steps.get(i);
            UUID target = step == null ? null : literalRunner(step.toStored());
            if (target == null) {
                continue;
            }
            List<UUID> path = pathBack(orgId, target, runnerId, edges);
            if (path != null) {
                List<String> names = new ArrayList<>();
                names.add(runnerId.toString());
                path.forEach(id -> names.add(id.toString()));
                errors.add(new ValidationError(step.id(), "steps[" + i + "].with.runner_id", "runner cycle: " + String.join(" -> ", names)
                        + "; a runner may not run itself, directly or through other runners"));
            }
        }
        return errors;
    }

    /** The runners from {@code from} to {@code goal} (both included), or null when {@code goal} cannot be reached. */
    private List<UUID> pathBack(UUID orgId, UUID from, UUID goal, Map<UUID, Set<UUID>> edges) {
        Map<UUID, UUID> cameFrom = new HashMap<>();
        Deque<UUID> todo = new ArrayDeque<>();
        todo.add(from);
        cameFrom.put(from, from);
        while (!todo.isEmpty()) {
            UUID at = todo.poll();
            if (at.equals(goal)) {
                List<UUID> path = new ArrayList<>();
                for (UUID step = at; ; step = cameFrom.get(step)) {
                    path.addFirst(step);
                    if (step.equals(from)) {
                        return path;
                    }
                }
            }
            if (cameFrom.size() > MAX_RUNNERS) {
                return List.of(from, goal); // too large to walk: refused as if it looped
            }
            for (UUID next : edges.computeIfAbsent(at, id -> referencedBy(orgId, id))) {
                if (cameFrom.putIfAbsent(next, at) == null) {
                    todo.add(next);
                }
            }
        }
        return null;
    }

    /** The runners a runner's draft and latest published version name in {@code runner} steps. */
    private Set<UUID> referencedBy(UUID orgId, UUID runnerId) {
        Set<UUID> out = new LinkedHashSet<>();
        runners.find(orgId, runnerId).ifPresent(runner -> {
            if (runner.steps() != null) {
                for (RunnerDraft.Step step : runner.steps()) {
                    UUID target = step == null ? null : literalRunner(step.toStored());
                    if (target != null) {
                        out.add(target);
                    }
                }
            }
            if (runner.latestVersion() != null) {
                versions.find(orgId, runnerId, runner.latestVersion()).ifPresent(v -> {
                    for (StoredStep step : json.treeToValue(v.spec(), RunnerSpec.Stored.class).steps()) {
                        UUID target = literalRunner(step);
                        if (target != null) {
                            out.add(target);
                        }
                    }
                });
            }
        });
        return out;
    }

    /** The runner a {@code runner} step names by a literal id; null for other steps, templated ids and malformed ones (the validator's). */
    private static UUID literalRunner(StoredStep step) {
        return StepParser.shape(step) instanceof StepSpec.ChildRun child ? child.runnerId() : null;
    }
}

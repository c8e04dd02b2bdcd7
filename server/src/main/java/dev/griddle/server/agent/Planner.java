package dev.griddle.server.agent;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What can be done to a plan, for the API and for an agent's plan tools alike. Every method takes a
 * plan already found in the caller's organization; a todo id not in that plan is a 404, a
 * dependency that would close a cycle a 422 {@code DEPENDENCY_CYCLE} naming the cycle.
 */
@Component
public class Planner {

    private final PlanStore plans;
    private final TransactionTemplate tx;
    private final Clock clock;

    Planner(PlanStore plans, TransactionTemplate tx, Clock clock) {
        this.plans = plans;
        this.tx = tx;
        this.clock = clock;
    }

    public Optional<Plan> find(UUID orgId, UUID id) {
        return plans.find(orgId, id);
    }

    /** The plan, when a key of {@code scope} sees it (its run's or thread's project). */
    public Optional<Plan> find(UUID orgId, ProjectScope scope, UUID id) {
        return plans.find(orgId, scope, id);
    }

    public List<Plan> list(UUID orgId, ProjectScope scope, UUID threadId, UUID runId, int limit, long offset) {
        return plans.list(orgId, scope, threadId, runId, limit, offset);
    }

    public long count(UUID orgId, ProjectScope scope, UUID threadId, UUID runId) {
        return plans.count(orgId, scope, threadId, runId);
    }

    /** The newest plan of a thread or a run. */
    public Optional<Plan> latest(UUID orgId, UUID threadId, UUID runId) {
        return plans.latest(orgId, threadId, runId);
    }

    /** A run's plan and whether this call created it. */
    public record RunPlan(Plan plan, boolean created) {
    }

    /**
     * The run's plan: the one it has (created by an earlier attempt or another step of the run,
     * left as it is), else a new one with these todos. One at a time per run, so parallel steps
     * cannot start two.
     */
    public RunPlan startForRun(UUID orgId, UUID runId, String title, List<String> todoTitles) {
        return tx.execute(s -> {
            plans.lockRunPlans(runId);
            return plans.latest(orgId, null, runId).map(p -> new RunPlan(p, false))
                    .orElseGet(() -> new RunPlan(create(orgId, title, null, runId, todoTitles), true));
        });
    }

    /** A new plan with these todos, all open, none blocked. */
    public Plan create(UUID orgId, String title, UUID threadId, UUID runId, List<String> todoTitles) {
        Instant now = clock.instant();
        Plan plan = new Plan(UUID.randomUUID(), orgId, title, threadId, runId, List.of(), now, now);
        tx.executeWithoutResult(s -> {
            plans.insert(plan);
            todoTitles.forEach(t -> plans.insertTodo(plan.id(), new Plan.Todo(UUID.randomUUID(), t, "open", List.of(), now, now)));
        });
        return plans.find(orgId, plan.id()).orElseThrow();
    }

    public Plan rename(Plan plan, String title) {
        plans.rename(plan.orgId(), plan.id(), title, clock.instant());
        return plans.find(plan.orgId(), plan.id()).orElseThrow();
    }

    public void delete(Plan plan) {
        plans.delete(plan.orgId(), plan.id());
    }

    /** A new todo at the end of the plan, blocked by {@code blockedBy} (todos of the same plan). */
    public Plan.Todo addTodo(Plan plan, String title, String status, List<UUID> blockedBy) {
        blockedBy.forEach(b -> todo(plan, b));
        Instant now = clock.instant();
        Plan.Todo todo = new Plan.Todo(UUID.randomUUID(), title, status == null ? "open" : status, List.of(), now, now);
        tx.executeWithoutResult(s -> {
            plans.insertTodo(plan.id(), todo);
            // a todo nobody depends on yet cannot close a cycle
            blockedBy.forEach(b -> plans.addDep(plan.id(), todo.id(), b));
            plans.touch(plan.id(), now);
        });
        return todo(reload(plan), todo.id());
    }

    /** Changes the title and/or status; a null leaves it as it is. */
    public Plan.Todo updateTodo(Plan plan, UUID todoId, String title, String status) {
        Plan.Todo current = todo(plan, todoId);
        Instant now = clock.instant();
        tx.executeWithoutResult(s -> {
            plans.updateTodo(plan.id(), todoId, title == null ? current.title() : title, status == null ? current.status() : status, now);
            plans.touch(plan.id(), now);
        });
        return todo(reload(plan), todoId);
    }

    public void deleteTodo(Plan plan, UUID todoId) {
        todo(plan, todoId);
        plans.deleteTodo(plan.id(), todoId);
        plans.touch(plan.id(), clock.instant());
    }

    /** The todos that block {@code todoId}. */
    public List<Plan.Todo> blockers(Plan plan, UUID todoId) {
        Set<UUID> ids = Set.copyOf(todo(plan, todoId).blockedBy());
        return plan.todos().stream().filter(t -> ids.contains(t.id())).toList();
    }

    /** "{@code todoId} is blocked by {@code blockedBy}"; idempotent. Checked and written with the plan locked. */
    public Plan.Todo addDependency(Plan plan, UUID todoId, UUID blockedBy) {
        todo(plan, todoId);
        todo(plan, blockedBy);
        tx.executeWithoutResult(s -> {
            plans.lock(plan.id());
            Plan fresh = reload(plan);
            PlanGraph.cycleIfAdded(blockedByMap(fresh), todoId, blockedBy).ifPresent(cycle -> {
                throw ApiException.validation("DEPENDENCY_CYCLE",
                        "Todo '" + todoId + "' cannot be blocked by '" + blockedBy + "': that would close the cycle " + cycle.stream()
                                .map(UUID::toString).collect(Collectors.joining(" -> ")),
                        Map.of("cycle", cycle));
            });
            plans.addDep(plan.id(), todoId, blockedBy);
            plans.touch(plan.id(), clock.instant());
        });
        return todo(reload(plan), todoId);
    }

    /** Whether there was such a dependency to remove. */
    public boolean removeDependency(Plan plan, UUID todoId, UUID blockedBy) {
        todo(plan, todoId);
        boolean removed = plans.removeDep(plan.id(), todoId, blockedBy);
        if (removed) {
            plans.touch(plan.id(), clock.instant());
        }
        return removed;
    }

    /** Open todos whose blockers are all done, in plan order. */
    public List<Plan.Todo> ready(Plan plan) {
        Map<UUID, String> status = new LinkedHashMap<>();
        plan.todos().forEach(t -> status.put(t.id(), t.status()));
        Set<UUID> ready = new HashSet<>(PlanGraph.ready(status, blockedByMap(plan)));
        return plan.todos().stream().filter(t -> ready.contains(t.id())).toList();
    }

    public Plan.Todo todo(Plan plan, UUID todoId) {
        return plan.todos().stream().filter(t -> t.id().equals(todoId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("No todo with id '" + todoId + "' in plan '" + plan.id() + "'"));
    }

    private Plan reload(Plan plan) {
        return plans.find(plan.orgId(), plan.id()).orElseThrow(() -> ApiException.notFound("plan", plan.id()));
    }

    private static Map<UUID, Set<UUID>> blockedByMap(Plan plan) {
        Map<UUID, Set<UUID>> map = new LinkedHashMap<>();
        plan.todos().forEach(t -> map.put(t.id(), Set.copyOf(t.blockedBy())));
        return map;
    }
}

package dev.griddle.sdk;

import dev.griddle.sdk.AgentModels.Items;
import dev.griddle.sdk.AgentModels.Plan;
import dev.griddle.sdk.AgentModels.PlanInput;
import dev.griddle.sdk.AgentModels.Todo;
import dev.griddle.sdk.AgentModels.TodoInput;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;

/** {@code /api/v1/plans}: plans, todos, "blocked by" dependencies (a cycle is a 422) and the ready list. */
public final class PlansClient {

    private static final TypeReference<Items<Todo>> TODOS = new TypeReference<>() {
    };

    private final Transport http;

    PlansClient(Transport http) {
        this.http = http;
    }

    public Plan create(PlanInput plan) {
        return http.call("POST", "/api/v1/plans", plan, Plan.class);
    }

    /** {@code threadId}, {@code runId}: filters, each may be null. */
    public Page<Plan> list(UUID threadId, UUID runId, PageRequest page) {
        return http.page("/api/v1/plans?" + (threadId == null ? "" : "thread_id=" + threadId + "&") + (runId == null ? "" : "run_id=" + runId + "&")
                + page.query(), Plan.class);
    }

    public Plan get(UUID id) {
        return http.call("GET", "/api/v1/plans/" + id, null, Plan.class);
    }

    public Plan rename(UUID id, String title) {
        return http.call("PATCH", "/api/v1/plans/" + id, new PlanInput(title, null, null, null), Plan.class);
    }

    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/plans/" + id, null, Map.of());
    }

    public Todo addTodo(UUID planId, TodoInput todo) {
        return http.call("POST", "/api/v1/plans/" + planId + "/todos", todo, Todo.class);
    }

    public Todo updateTodo(UUID planId, UUID todoId, TodoInput changes) {
        return http.call("PATCH", "/api/v1/plans/" + planId + "/todos/" + todoId, changes, Todo.class);
    }

    public void deleteTodo(UUID planId, UUID todoId) {
        http.send("DELETE", "/api/v1/plans/" + planId + "/todos/" + todoId, null, Map.of());
    }

    /** The todos that block {@code todoId}. */
    public List<Todo> blockers(UUID planId, UUID todoId) {
        return http.call("GET", "/api/v1/plans/" + planId + "/todos/" + todoId + "/deps", null, TODOS).data();
    }

    /** {@code todoId} is blocked by {@code blockedBy}; returns the todo. */
    public Todo block(UUID planId, UUID todoId, UUID blockedBy) {
        return http.call("POST", "/api/v1/plans/" + planId + "/todos/" + todoId + "/deps", Map.of("blocked_by", blockedBy), Todo.class);
    }

    public void unblock(UUID planId, UUID todoId, UUID blockedBy) {
        http.send("DELETE", "/api/v1/plans/" + planId + "/todos/" + todoId + "/deps", Map.of("blocked_by", blockedBy), Map.of());
    }

    /** Open todos whose blockers are all done. */
    public List<Todo> ready(UUID planId) {
        return http.call("GET", "/api/v1/plans/" + planId + "/ready", null, TODOS).data();
    }
}

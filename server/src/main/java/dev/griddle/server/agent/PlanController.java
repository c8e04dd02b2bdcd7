package dev.griddle.server.agent;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/plans}: plans, their todos, the "blocked by" dependencies between todos, and the
 * todos ready to work on.
 */
@RestController
@RequestMapping("/api/v1/plans")
class PlanController {

    record PlanBody(String title, UUID threadId, UUID runId, List<TodoBody> todos) {
    }

    record TodoBody(String title, String status, List<UUID> blockedBy) {
    }

    record DepBody(UUID blockedBy) {
    }

    record PlanView(UUID id, String title, UUID threadId, UUID runId, List<Plan.Todo> todos, Instant createdAt, Instant updatedAt) {
        static PlanView of(Plan p) {
            return new PlanView(p.id(), p.title(), p.threadId(), p.runId(), p.todos(), p.createdAt(), p.updatedAt());
        }
    }

    record ListOf<T>(List<T> data) {
    }

    private final Planner planner;
    private final PlanStore store;
    private final RunReader runs;

    PlanController(Planner planner, PlanStore store, RunReader runs) {
        this.runs = runs;
        this.planner = planner;
        this.store = store;
    }

    @Operation(summary = "Create a plan", description = "{title, thread_id | run_id}: a plan belongs to a thread or a run.")
    @PostMapping
    ResponseEntity<PlanView> create(Caller caller, @RequestBody PlanBody body) {
        FieldErrors errors = new FieldErrors();
        title(errors, "title", body.title(), true);
        List<TodoBody> todos = body.todos() == null ? List.of() : body.todos();
        for (int i = 0; i < todos.size(); i++) {
            TodoBody t = todos.get(i);
            title(errors, "todos[" + i + "].title", t == null ? null : t.title(), true);
            if (t != null && t.blockedBy() != null && !t.blockedBy().isEmpty()) {
                errors.add("todos[" + i + "].blocked_by", "add dependencies once the todos exist: POST /api/v1/plans/{id}/todos/{todo_id}/deps");
            }
        }
        if (todos.size() > 500) {
            errors.add("todos", "at most 500, was " + todos.size());
        }
        // checked before anything is written: another project's thread or run reads as unknown
        ProjectScope scope = ProjectScope.of(caller.projectIds());
        if (body.threadId() != null && !store.threadInScope(caller.orgId(), scope, body.threadId())) {
            errors.add("thread_id", "no thread '" + body.threadId() + "' visible to this key");
        }
        if (body.runId() != null && runs.visible(caller.orgId(), scope, body.runId()).isEmpty()) {
            errors.add("run_id", "no run '" + body.runId() + "' visible to this key");
        }
        errors.throwIfAny();
        Plan plan = planner.create(caller.orgId(), body.title().strip(), body.threadId(), body.runId(),
                todos.stream().map(t -> t.title().strip()).toList());
        return ResponseEntity.created(URI.create("/api/v1/plans/" + plan.id())).body(PlanView.of(plan));
    }

    @Operation(summary = "List plans", description = "Filtered by thread_id or run_id, paged.")
    @GetMapping
    PageQuery.Paged<PlanView> list(Caller caller, PageQuery page, @RequestParam(name = "thread_id", required = false) UUID threadId,
            @RequestParam(name = "run_id", required = false) UUID runId) {
        ProjectScope scope = ProjectScope.of(caller.projectIds());
        return page.result(planner.list(caller.orgId(), scope, threadId, runId, page.perPage(), page.offset()).stream().map(PlanView::of).toList(),
                planner.count(caller.orgId(), scope, threadId, runId));
    }

    @Operation(summary = "Get a plan", description = "{id, title, thread_id, run_id, todos: [{id, title, status, blocked_by}]}.")
    @GetMapping("/{id}")
    PlanView get(Caller caller, @PathVariable UUID id) {
        return PlanView.of(find(caller, id));
    }

    @Operation(summary = "Update a plan", description = "{title}.")
    @PatchMapping("/{id}")
    PlanView update(Caller caller, @PathVariable UUID id, @RequestBody PlanBody body) {
        Plan plan = find(caller, id);
        FieldErrors errors = new FieldErrors();
        title(errors, "title", body.title(), false);
        if (body.threadId() != null || body.runId() != null || body.todos() != null) {
            errors.add("title", "only the title of a plan can change; todos change through /todos");
        }
        errors.throwIfAny();
        return PlanView.of(body.title() == null ? plan : planner.rename(plan, body.title().strip()));
    }

    @Operation(summary = "Delete a plan", description = "With its todos and their dependencies. 204.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        planner.delete(find(caller, id));
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Add a todo", description = "{title, status?}; new todos are open.")
    @PostMapping("/{id}/todos")
    ResponseEntity<Plan.Todo> addTodo(Caller caller, @PathVariable UUID id, @RequestBody TodoBody body) {
        Plan plan = find(caller, id);
        FieldErrors errors = new FieldErrors();
        title(errors, "title", body.title(), true);
        status(errors, body.status());
        List<UUID> blockedBy = body.blockedBy() == null ? List.of() : body.blockedBy().stream().distinct().toList();
        blockedBy.stream().filter(b -> plan.todos().stream().noneMatch(t -> t.id().equals(b)))
                .forEach(b -> errors.add("blocked_by", "no todo '" + b + "' in this plan"));
        errors.throwIfAny();
        Plan.Todo todo = planner.addTodo(plan, body.title().strip(), body.status(), blockedBy);
        return ResponseEntity.created(URI.create("/api/v1/plans/" + id + "/todos/" + todo.id())).body(todo);
    }

    @Operation(summary = "Update a todo", description = "{title?, status?: open|in_progress|done|cancelled}.")
    @PatchMapping("/{id}/todos/{todoId}")
    Plan.Todo updateTodo(Caller caller, @PathVariable UUID id, @PathVariable UUID todoId, @RequestBody TodoBody body) {
        Plan plan = find(caller, id);
        planner.todo(plan, todoId);
        FieldErrors errors = new FieldErrors();
        title(errors, "title", body.title(), false);
        status(errors, body.status());
        if (body.blockedBy() != null) {
            errors.add("blocked_by", "change dependencies through /todos/{todo_id}/deps");
        }
        errors.throwIfAny();
        return planner.updateTodo(plan, todoId, body.title() == null ? null : body.title().strip(), body.status());
    }

    @Operation(summary = "Delete a todo", description = "Its dependencies go with it. 204.")
    @DeleteMapping("/{id}/todos/{todoId}")
    ResponseEntity<Void> deleteTodo(Caller caller, @PathVariable UUID id, @PathVariable UUID todoId) {
        planner.deleteTodo(find(caller, id), todoId);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "List a todo's blockers", description = "The todos it waits for.")
    @GetMapping("/{id}/todos/{todoId}/deps")
    ListOf<Plan.Todo> deps(Caller caller, @PathVariable UUID id, @PathVariable UUID todoId) {
        return new ListOf<>(planner.blockers(find(caller, id), todoId));
    }

    @Operation(summary = "Add a dependency between todos", description = "{blocked_by: todo_id}: this todo waits for that one; a cycle is 422.")
    @PostMapping("/{id}/todos/{todoId}/deps")
    ResponseEntity<Plan.Todo> addDep(Caller caller, @PathVariable UUID id, @PathVariable UUID todoId, @RequestBody DepBody body) {
        Plan plan = find(caller, id);
        planner.todo(plan, todoId);
        UUID blockedBy = blockedBy(plan, body == null ? null : body.blockedBy());
        return ResponseEntity.status(HttpStatus.CREATED).body(planner.addDependency(plan, todoId, blockedBy));
    }

    /** The todo to unblock from comes in the body ({@code {blocked_by}}) or as {@code ?blocked_by=}. */
    @Operation(summary = "Remove a dependency", description = "{blocked_by: todo_id}. 204.")
    @DeleteMapping("/{id}/todos/{todoId}/deps")
    ResponseEntity<Void> removeDep(Caller caller, @PathVariable UUID id, @PathVariable UUID todoId,
            @RequestBody(required = false) DepBody body, @RequestParam(name = "blocked_by", required = false) UUID blockedByParam) {
        Plan plan = find(caller, id);
        UUID blockedBy = body != null && body.blockedBy() != null ? body.blockedBy() : blockedByParam;
        if (blockedBy == null) {
            new FieldErrors().add("blocked_by", "required").throwIfAny();
        }
        if (!planner.removeDependency(plan, todoId, blockedBy)) {
            throw ApiException.notFound("Todo '" + todoId + "' is not blocked by '" + blockedBy + "'");
        }
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "List the ready todos", description = "Open todos whose blockers are all done.")
    @GetMapping("/{id}/ready")
    ListOf<Plan.Todo> ready(Caller caller, @PathVariable UUID id) {
        return new ListOf<>(planner.ready(find(caller, id)));
    }

    private Plan find(Caller caller, UUID id) {
        return planner.find(caller.orgId(), ProjectScope.of(caller.projectIds()), id).orElseThrow(() -> ApiException.notFound("plan", id));
    }

    private static UUID blockedBy(Plan plan, UUID blockedBy) {
        FieldErrors errors = new FieldErrors().required("blocked_by", blockedBy);
        if (blockedBy != null && plan.todos().stream().noneMatch(t -> t.id().equals(blockedBy))) {
            errors.add("blocked_by", "no todo '" + blockedBy + "' in this plan");
        }
        errors.throwIfAny();
        return blockedBy;
    }

    private static void title(FieldErrors errors, String field, String title, boolean required) {
        if (required || title != null) {
            errors.required(field, title);
        }
        errors.maxLength(field, title, 1_000);
    }

    private static void status(FieldErrors errors, String status) {
        if (status != null && !Plan.STATUSES.contains(status)) {
            errors.add("status", "must be one of open, in_progress, done, cancelled; was '" + status + "'");
        }
    }
}

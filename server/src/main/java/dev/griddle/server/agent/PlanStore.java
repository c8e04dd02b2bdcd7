package dev.griddle.server.agent;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.auth.ProjectScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code plans}, {@code plan_todos} and {@code plan_todo_deps}. Todos are always read with their plan. */
@Repository
class PlanStore {

    private final JdbcClient jdbc;

    PlanStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Plan p) {
        jdbc.sql("""
                insert into plans (id, org_id, title, thread_id, run_id, created_at, updated_at)
                values (:id, :org, :title, :thread, :run, :created, :updated)
                """).param("id", p.id()).param("org", p.orgId()).param("title", p.title()).param("thread", p.threadId()).param("run", p.runId())
                .param("created", ts(p.createdAt())).param("updated", ts(p.updatedAt())).update();
    }

    void rename(UUID orgId, UUID id, String title, Instant now) {
        jdbc.sql("update plans set title = :title, updated_at = :now where org_id = :org and id = :id").param("title", title)
                .param("now", ts(now)).param("org", orgId).param("id", id).update();
    }

    void touch(UUID id, Instant now) {
        jdbc.sql("update plans set updated_at = :now where id = :id").param("now", ts(now)).param("id", id).update();
    }

    void delete(UUID orgId, UUID id) {
        jdbc.sql("delete from plans where org_id = :org and id = :id").param("org", orgId).param("id", id).update();
    }

    /** The plan row locked until the transaction ends, so that dependency edges are added one at a time per plan. */
    void lock(UUID id) {
        jdbc.sql("select id from plans where id = :id for update").param("id", id).query(UUID.class).optional();
    }

    Optional<Plan> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from plans where org_id = :org and id = :id").param("org", orgId).param("id", id).query(this::plan).optional()
                .map(p -> p.withTodos(todos(p.id())));
    }

    private static final String FILTER = """
            where org_id = :org and (cast(:thread as uuid) is null or thread_id = :thread) and (cast(:run as uuid) is null or run_id = :run)
            """;

    /**
     * A plan is in its run's project, or its thread's (the thread's agent's); one with neither (or
     * whose run is gone) is org-level. A key limited to projects sees only plans of those projects.
     */
    private static final String IN_SCOPE = """
             and (cast(:projects as uuid[]) is null or coalesce(
                   (select r.project_id from runs r where r.id = plans.run_id),
                   (select a.project_id from threads t join agents a on a.id = t.agent_id where t.id = plans.thread_id))
                 = any(cast(:projects as uuid[])))
            """;

    List<Plan> list(UUID orgId, ProjectScope scope, UUID threadId, UUID runId, int limit, long offset) {
        return jdbc.sql("select * from plans " + FILTER + IN_SCOPE + " order by created_at, id limit :limit offset :offset").param("org", orgId)
                .param("thread", threadId).param("run", runId).param("projects", scope.sqlArray()).param("limit", limit).param("offset", offset)
                .query(this::plan).list().stream().map(p -> p.withTodos(todos(p.id()))).toList();
    }

    /** The plan, when a key of {@code scope} sees it. */
    Optional<Plan> find(UUID orgId, ProjectScope scope, UUID id) {
        return jdbc.sql("select * from plans where org_id = :org and id = :id" + IN_SCOPE).param("org", orgId).param("id", id)
                .param("projects", scope.sqlArray()).query(this::plan).optional().map(p -> p.withTodos(todos(p.id())));
    }

    /** Whether a key of {@code scope} sees this thread (in its agent's project), for attaching a plan to it. */
    boolean threadInScope(UUID orgId, ProjectScope scope, UUID threadId) {
        return jdbc.sql("""
                select count(*) from threads t join agents a on a.id = t.agent_id where t.org_id = :org and t.id = :id
                  and (cast(:projects as uuid[]) is null or a.project_id = any(cast(:projects as uuid[])))
                """).param("org", orgId).param("id", threadId).param("projects", scope.sqlArray()).query(Long.class).single() > 0;
    }

    /** The owner's newest plan: the one the plan tools work on. */
    Optional<Plan> latest(UUID orgId, UUID threadId, UUID runId) {
        return jdbc.sql("select * from plans " + FILTER + " order by created_at desc, id desc limit 1").param("org", orgId)
                .param("thread", threadId).param("run", runId).query(this::plan).optional().map(p -> p.withTodos(todos(p.id())));
    }

    /**
     * Serialises "start this run's plan" until the transaction ends, so that parallel steps of one
     * run cannot each create one. A transaction-scoped advisory lock keyed on the run id (two-key
     * form, apart from the one-key locks used elsewhere) rather than a row lock on {@code runs},
     * which the engine updates all the time.
     */
    void lockRunPlans(UUID runId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtext('griddle.run_plan'), hashtext(cast(:run as text)))").param("run", runId)
                .query(Object.class).single();
    }

    long count(UUID orgId, ProjectScope scope, UUID threadId, UUID runId) {
        return jdbc.sql("select count(*) from plans " + FILTER + IN_SCOPE).param("org", orgId).param("thread", threadId).param("run", runId)
                .param("projects", scope.sqlArray()).query(Long.class).single();
    }

    void insertTodo(UUID planId, Plan.Todo t) {
        jdbc.sql("""
                insert into plan_todos (id, plan_id, position, title, status, created_at, updated_at)
                values (:id, :plan, (select coalesce(max(position), 0) + 1 from plan_todos where plan_id = :plan), :title, :status, :created, :updated)
                """).param("id", t.id()).param("plan", planId).param("title", t.title()).param("status", t.status())
                .param("created", ts(t.createdAt())).param("updated", ts(t.updatedAt())).update();
    }

    void updateTodo(UUID planId, UUID todoId, String title, String status, Instant now) {
        jdbc.sql("update plan_todos set title = :title, status = :status, updated_at = :now where plan_id = :plan and id = :id")
                .param("title", title).param("status", status).param("now", ts(now)).param("plan", planId).param("id", todoId).update();
    }

    void deleteTodo(UUID planId, UUID todoId) {
        jdbc.sql("delete from plan_todos where plan_id = :plan and id = :id").param("plan", planId).param("id", todoId).update();
    }

    void addDep(UUID planId, UUID todoId, UUID blockedBy) {
        jdbc.sql("insert into plan_todo_deps (plan_id, todo_id, blocked_by) values (:plan, :todo, :by) on conflict do nothing")
                .param("plan", planId).param("todo", todoId).param("by", blockedBy).update();
    }

    boolean removeDep(UUID planId, UUID todoId, UUID blockedBy) {
        return jdbc.sql("delete from plan_todo_deps where plan_id = :plan and todo_id = :todo and blocked_by = :by").param("plan", planId)
                .param("todo", todoId).param("by", blockedBy).update() > 0;
    }

    private List<Plan.Todo> todos(UUID planId) {
        Map<UUID, List<UUID>> deps = new LinkedHashMap<>();
        jdbc.sql("select todo_id, blocked_by from plan_todo_deps d join plan_todos t on t.id = d.blocked_by where d.plan_id = :plan order by t.position")
                .param("plan", planId).query((rs, n) -> {
                    deps.computeIfAbsent(rs.getObject("todo_id", UUID.class), k -> new ArrayList<>()).add(rs.getObject("blocked_by", UUID.class));
                    return null;
                }).list();
        return jdbc.sql("select * from plan_todos where plan_id = :plan order by position").param("plan", planId)
                .query((rs, n) -> new Plan.Todo(rs.getObject("id", UUID.class), rs.getString("title"), rs.getString("status"),
                        List.copyOf(deps.getOrDefault(rs.getObject("id", UUID.class), List.of())), instant(rs.getTimestamp("created_at")),
                        instant(rs.getTimestamp("updated_at"))))
                .list();
    }

    private Plan plan(ResultSet rs, int n) throws SQLException {
        return new Plan(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("title"),
                rs.getObject("thread_id", UUID.class), rs.getObject("run_id", UUID.class), List.of(), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }
}

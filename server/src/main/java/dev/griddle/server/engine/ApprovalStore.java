package dev.griddle.server.engine;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.auth.ProjectScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SQL for {@code approvals}, scoped by organization. */
@Repository
public class ApprovalStore {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ApprovalStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(UUID orgId, Approval a, String onTimeout) {
        jdbc.sql("""
                insert into approvals (id, org_id, run_id, runner_id, step_id, status, message, on_timeout, created_at, expires_at)
                values (:id, :org, :run, :runner, :step, 'pending', :message, :onTimeout, :created, :expires)
                on conflict (run_id, step_id) do update set status = 'pending', message = excluded.message, approved = null,
                    comment = null, result = null, completed_at = null, created_at = excluded.created_at, expires_at = excluded.expires_at,
                    on_timeout = excluded.on_timeout, id = excluded.id
                """).param("id", a.id()).param("org", orgId).param("run", a.runId()).param("runner", a.runnerId())
                .param("step", a.stepId()).param("message", a.message()).param("onTimeout", onTimeout)
                .param("created", ts(a.createdAt())).param("expires", ts(a.expiresAt())).update();
    }

    public Optional<Approval> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from approvals where org_id = :org and id = :id").param("org", orgId).param("id", id).query(this::row).optional();
    }

    Optional<Approval> forStep(UUID runId, String stepId) {
        return jdbc.sql("select * from approvals where run_id = :run and step_id = :step").param("run", runId).param("step", stepId)
                .query(this::row).optional();
    }

    String onTimeout(UUID id) {
        return jdbc.sql("select on_timeout from approvals where id = :id").param("id", id).query(String.class).single();
    }

    void complete(UUID id, String status, Boolean approved, String comment, JsonNode result, Instant now) {
        jdbc.sql("""
                update approvals set status = :status, approved = :approved, comment = :comment, result = cast(:result as jsonb),
                       completed_at = :now
                where id = :id
                """).param("status", status).param("approved", approved).param("comment", comment)
                .param("result", result == null ? null : json.writeValueAsString(result)).param("now", ts(now)).param("id", id).update();
    }

    /** Pending approvals of a run are withdrawn when the run stops waiting for them. */
    void cancelPending(UUID runId, Instant now) {
        jdbc.sql("update approvals set status = 'cancelled', completed_at = :now where run_id = :run and status = 'pending'")
                .param("now", ts(now)).param("run", runId).update();
    }

    /** An approval is in its run's project: a key limited to projects sees only those runs' approvals. */
    private static final String FILTER = """
            where org_id = :org and (cast(:status as text) is null or status = :status)
              and (cast(:run as uuid) is null or run_id = :run)
              and (cast(:projects as uuid[]) is null
                   or exists (select 1 from runs r where r.id = approvals.run_id and r.project_id = any(cast(:projects as uuid[]))))
            """;

    public List<Approval> list(UUID orgId, ProjectScope scope, String status, UUID runId, int limit, long offset) {
        return jdbc.sql("select * from approvals " + FILTER + " order by created_at desc, id limit :limit offset :offset")
                .param("org", orgId).param("status", status).param("run", runId).param("projects", scope.sqlArray())
                .param("limit", limit).param("offset", offset).query(this::row).list();
    }

    public long count(UUID orgId, ProjectScope scope, String status, UUID runId) {
        return jdbc.sql("select count(*) from approvals " + FILTER).param("org", orgId).param("status", status).param("run", runId)
                .param("projects", scope.sqlArray()).query(Long.class).single();
    }

    private Approval row(ResultSet rs, int n) throws SQLException {
        String result = rs.getString("result");
        return new Approval(rs.getObject("id", UUID.class), rs.getObject("run_id", UUID.class), rs.getObject("runner_id", UUID.class),
                rs.getString("step_id"), rs.getString("status"), rs.getString("message"), (Boolean) rs.getObject("approved"),
                rs.getString("comment"), result == null ? null : json.readTree(result), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("completed_at")), instant(rs.getTimestamp("expires_at")));
    }
}

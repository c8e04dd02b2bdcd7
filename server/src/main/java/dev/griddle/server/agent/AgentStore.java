package dev.griddle.server.agent;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.web.Caller;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code agents}. */
@Repository
class AgentStore {

    private final JdbcClient jdbc;

    AgentStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Agent a) {
        jdbc.sql("""
                insert into agents (id, org_id, project_id, name, description, model, instructions, temperature, created_at, updated_at)
                values (:id, :org, :project, :name, :description, :model, :instructions, :temperature, :created, :updated)
                """).param("id", a.id()).param("org", a.orgId()).param("project", a.projectId()).param("name", a.name())
                .param("description", a.description()).param("model", a.model()).param("instructions", a.instructions())
                .param("temperature", a.temperature()).param("created", ts(a.createdAt())).param("updated", ts(a.updatedAt())).update();
    }

    void update(Agent a) {
        jdbc.sql("""
                update agents set project_id = :project, name = :name, description = :description, model = :model,
                       instructions = :instructions, temperature = :temperature, updated_at = :updated
                where org_id = :org and id = :id
                """).param("id", a.id()).param("org", a.orgId()).param("project", a.projectId()).param("name", a.name())
                .param("description", a.description()).param("model", a.model()).param("instructions", a.instructions())
                .param("temperature", a.temperature()).param("updated", ts(a.updatedAt())).update();
    }

    void setCredentials(UUID orgId, UUID id, String sealed) {
        jdbc.sql("update agents set credentials = :c where org_id = :org and id = :id").param("c", sealed).param("org", orgId).param("id", id).update();
    }

    /** Deletes the agent; its connections and threads go with it (foreign keys on delete cascade). */
    void delete(UUID orgId, UUID id) {
        jdbc.sql("delete from agents where org_id = :org and id = :id").param("org", orgId).param("id", id).update();
    }

    Optional<Agent> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from agents where org_id = :org and id = :id").param("org", orgId).param("id", id).query(this::row).optional();
    }

    /** The agent named {@code name} in {@code projectId} (null = the org-level namespace): names are unique per project. */
    Optional<Agent> findByName(UUID orgId, UUID projectId, String name) {
        return jdbc.sql("select * from agents where org_id = :org and project_id is not distinct from cast(:project as uuid) and name = :name")
                .param("org", orgId).param("project", projectId).param("name", name).query(this::row).optional();
    }

    /**
     * An agent named {@code name} that a key of {@code scope} sees, for references by name: the
     * org-level one first, then the oldest (the same name may exist in several visible projects).
     */
    Optional<Agent> findVisibleByName(UUID orgId, ProjectScope scope, String name) {
        return jdbc.sql("""
                select * from agents
                where org_id = :org and name = :name and (cast(:ids as uuid[]) is null or project_id = any(cast(:ids as uuid[])))
                order by project_id is not null, created_at, id limit 1
                """).param("org", orgId).param("name", name).param("ids", scope.sqlArray()).query(this::row).optional();
    }

    /** Whether another agent of {@code projectId} (null = the org-level namespace) has this name. */
    boolean nameTaken(UUID orgId, UUID projectId, String name, UUID except) {
        return jdbc.sql("""
                select count(*) from agents where org_id = :org and project_id is not distinct from cast(:project as uuid) and name = :name
                  and (cast(:except as uuid) is null or id <> :except)
                """).param("org", orgId).param("project", projectId).param("name", name).param("except", except).query(Long.class).single() > 0;
    }

    private static final String VISIBLE = """
            where org_id = :org and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
              and (cast(:project as uuid) is null or project_id = :project)
            """;

    List<Agent> list(Caller caller, UUID projectId, int limit, long offset) {
        return jdbc.sql("select * from agents " + VISIBLE + " order by created_at, id limit :limit offset :offset").param("org", caller.orgId())
                .param("projects", projects(caller)).param("project", projectId).param("limit", limit).param("offset", offset)
                .query(this::row).list();
    }

    long count(Caller caller, UUID projectId) {
        return jdbc.sql("select count(*) from agents " + VISIBLE).param("org", caller.orgId()).param("projects", projects(caller))
                .param("project", projectId).query(Long.class).single();
    }

    /** The first {@code limit} agents of the organization in {@code scope}, oldest first. */
    List<Agent> visible(UUID orgId, ProjectScope scope, int limit) {
        return jdbc.sql("""
                select * from agents where org_id = :org and (cast(:ids as uuid[]) is null or project_id = any(cast(:ids as uuid[])))
                order by created_at, id limit :limit
                """).param("org", orgId).param("ids", scope.sqlArray()).param("limit", limit).query(this::row).list();
    }

    List<Agent> inProject(UUID orgId, UUID projectId) {
        return jdbc.sql("select * from agents where org_id = :org and project_id = :project order by name").param("org", orgId)
                .param("project", projectId).query(this::row).list();
    }

    private static UUID[] projects(Caller caller) {
        return caller.allProjects() ? null : caller.projectIds().toArray(UUID[]::new);
    }

    private Agent row(ResultSet rs, int n) throws SQLException {
        return new Agent(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("project_id", UUID.class),
                rs.getString("name"), rs.getString("description"), rs.getString("model"), rs.getString("instructions"),
                (Double) rs.getObject("temperature", Double.class), rs.getString("credentials"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }
}

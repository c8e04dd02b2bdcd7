package dev.griddle.server.auth;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code projects}, scoped by organization and, for project-limited keys, by project. */
@Repository
public class ProjectStore {

    private static final RowMapper<Project> ROW = (rs, n) -> new Project(rs.getObject("id", UUID.class), rs.getString("name"),
            rs.getString("description"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));

    private final JdbcClient jdbc;

    ProjectStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The project, if it exists in {@code orgId}. Other features use this to check a {@code project_id}. */
    public Optional<Project> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from projects where org_id = :org and id = :id").param("org", orgId).param("id", id).query(ROW).optional();
    }

    /** The project, if the caller may see it. */
    public Optional<Project> visible(Caller caller, UUID id) {
        return caller.sees(id) ? find(caller.orgId(), id) : Optional.empty();
    }

    Optional<Project> findByName(UUID orgId, String name) {
        return jdbc.sql("select * from projects where org_id = :org and name = :name").param("org", orgId).param("name", name).query(ROW).optional();
    }

    List<Project> list(Caller caller, PageQuery page) {
        return jdbc.sql("""
                select * from projects where org_id = :org and (cast(:ids as uuid[]) is null or id = any(cast(:ids as uuid[])))
                order by created_at, id limit :limit offset :offset
                """).param("org", caller.orgId()).param("ids", ids(caller))
                .param("limit", page.perPage()).param("offset", page.offset()).query(ROW).list();
    }

    long count(Caller caller) {
        return jdbc.sql("select count(*) from projects where org_id = :org and (cast(:ids as uuid[]) is null or id = any(cast(:ids as uuid[])))")
                .param("org", caller.orgId()).param("ids", ids(caller)).query(Long.class).single();
    }

    void insert(UUID orgId, UUID id, String name, String description, Instant now) {
        jdbc.sql("insert into projects (id, org_id, name, description, created_at, updated_at) values (:id, :org, :name, :description, :now, :now)")
                .param("id", id).param("org", orgId).param("name", name).param("description", description).param("now", ts(now)).update();
    }

    void update(UUID orgId, UUID id, String name, String description, Instant now) {
        jdbc.sql("update projects set name = :name, description = :description, updated_at = :now where org_id = :org and id = :id")
                .param("name", name).param("description", description).param("now", ts(now)).param("org", orgId).param("id", id).update();
    }

    boolean delete(UUID orgId, UUID id) {
        return jdbc.sql("delete from projects where org_id = :org and id = :id").param("org", orgId).param("id", id).update() == 1;
    }

    private static UUID[] ids(Caller caller) {
        return caller.projectIds() == null ? null : caller.projectIds().toArray(UUID[]::new);
    }
}

package dev.griddle.server.agent;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code skills}; deleting a skill also detaches it from every runner and agent. */
@Repository
public class SkillStore {

    private final JdbcClient jdbc;

    SkillStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Skill s) {
        jdbc.sql("""
                insert into skills (id, org_id, name, description, instructions, created_at, updated_at)
                values (:id, :org, :name, :description, :instructions, :created, :updated)
                """).param("id", s.id()).param("org", s.orgId()).param("name", s.name()).param("description", s.description())
                .param("instructions", s.instructions()).param("created", ts(s.createdAt())).param("updated", ts(s.updatedAt())).update();
    }

    void update(Skill s) {
        jdbc.sql("""
                update skills set name = :name, description = :description, instructions = :instructions, updated_at = :updated
                where org_id = :org and id = :id
                """).param("id", s.id()).param("org", s.orgId()).param("name", s.name()).param("description", s.description())
                .param("instructions", s.instructions()).param("updated", ts(s.updatedAt())).update();
    }

    /** Deletes the skill and, in the same statement, the attachments naming it. */
    void delete(UUID orgId, UUID id) {
        jdbc.sql("""
                with gone as (delete from skills where org_id = :org and id = :id returning id)
                delete from connection_attachments where org_id = :org and kind = 'skills' and ref_id in (select id from gone)
                """).param("org", orgId).param("id", id).update();
    }

    public Optional<Skill> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from skills where org_id = :org and id = :id").param("org", orgId).param("id", id).query(this::row).optional();
    }

    /** The skills among {@code ids} in this organization, by name. */
    public List<Skill> all(UUID orgId, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select * from skills where org_id = :org and id = any(:ids) order by name").param("org", orgId)
                .param("ids", ids.toArray(UUID[]::new)).query(this::row).list();
    }

    Optional<Skill> findByName(UUID orgId, String name) {
        return jdbc.sql("select * from skills where org_id = :org and name = :name").param("org", orgId).param("name", name).query(this::row)
                .optional();
    }

    boolean nameTaken(UUID orgId, String name, UUID except) {
        return jdbc.sql("select count(*) from skills where org_id = :org and name = :name and (cast(:except as uuid) is null or id <> :except)")
                .param("org", orgId).param("name", name).param("except", except).query(Long.class).single() > 0;
    }

    List<Skill> list(UUID orgId, int limit, long offset) {
        return jdbc.sql("select * from skills where org_id = :org order by created_at, id limit :limit offset :offset").param("org", orgId)
                .param("limit", limit).param("offset", offset).query(this::row).list();
    }

    long count(UUID orgId) {
        return jdbc.sql("select count(*) from skills where org_id = :org").param("org", orgId).query(Long.class).single();
    }

    private Skill row(ResultSet rs, int n) throws SQLException {
        return new Skill(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("name"), rs.getString("description"),
                rs.getString("instructions"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    }
}

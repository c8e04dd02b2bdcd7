package dev.griddle.server.tool;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** SQL for {@code tools}. */
@Repository
class ToolStore {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ToolStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(StoredTool t) {
        jdbc.sql("""
                insert into tools (id, org_id, name, description, parameters, http, created_at, updated_at)
                values (:id, :org, :name, :description, cast(:parameters as jsonb), cast(:http as jsonb), :created, :updated)
                """).param("id", t.id()).param("org", t.orgId()).param("name", t.name()).param("description", t.description())
                .param("parameters", json.writeValueAsString(t.parameters())).param("http", json.writeValueAsString(t.http()))
                .param("created", ts(t.createdAt())).param("updated", ts(t.updatedAt())).update();
    }

    void update(StoredTool t) {
        jdbc.sql("""
                update tools set name = :name, description = :description, parameters = cast(:parameters as jsonb),
                       http = cast(:http as jsonb), updated_at = :updated
                where org_id = :org and id = :id
                """).param("id", t.id()).param("org", t.orgId()).param("name", t.name()).param("description", t.description())
                .param("parameters", json.writeValueAsString(t.parameters())).param("http", json.writeValueAsString(t.http()))
                .param("updated", ts(t.updatedAt())).update();
    }

    void delete(UUID orgId, UUID id) {
        jdbc.sql("delete from tools where org_id = :org and id = :id").param("org", orgId).param("id", id).update();
    }

    Optional<StoredTool> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from tools where org_id = :org and id = :id").param("org", orgId).param("id", id).query(this::row).optional();
    }

    Optional<StoredTool> findByName(UUID orgId, String name) {
        return jdbc.sql("select * from tools where org_id = :org and name = :name").param("org", orgId).param("name", name).query(this::row)
                .optional();
    }

    List<StoredTool> list(UUID orgId, int limit, long offset) {
        return jdbc.sql("select * from tools where org_id = :org order by created_at, id limit :limit offset :offset").param("org", orgId)
                .param("limit", limit).param("offset", offset).query(this::row).list();
    }

    long count(UUID orgId) {
        return jdbc.sql("select count(*) from tools where org_id = :org").param("org", orgId).query(Long.class).single();
    }

    private StoredTool row(ResultSet rs, int n) throws SQLException {
        return new StoredTool(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("name"), rs.getString("description"),
                json.readTree(rs.getString("parameters")), json.readTree(rs.getString("http")), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }
}

package dev.griddle.server.tool.db;

import static dev.griddle.server.llm.Connections.ownerColumn;
import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SQL for {@code integrations}, and the reads of the connection attachments that give the tools their {@code allowed_tables}. */
@Repository
class IntegrationStore {

    /** One integration attached to a runner or an agent; {@code allowedTables} null means every table. */
    record Attached(Integration integration, List<String> allowedTables) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    IntegrationStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(Integration i) {
        jdbc.sql("""
                insert into integrations (id, org_id, name, kind, url, username, password_sealed, created_at, updated_at)
                values (:id, :org, :name, :kind, :url, :username, :password, :created, :updated)
                """).param("id", i.id()).param("org", i.orgId()).param("name", i.name()).param("kind", i.kind()).param("url", i.url())
                .param("username", i.username()).param("password", i.passwordSealed()).param("created", ts(i.createdAt()))
                .param("updated", ts(i.updatedAt())).update();
    }

    void update(Integration i) {
        jdbc.sql("""
                update integrations set name = :name, kind = :kind, url = :url, username = :username, password_sealed = :password,
                       updated_at = :updated
                where org_id = :org and id = :id
                """).param("id", i.id()).param("org", i.orgId()).param("name", i.name()).param("kind", i.kind()).param("url", i.url())
                .param("username", i.username()).param("password", i.passwordSealed()).param("updated", ts(i.updatedAt())).update();
    }

    /** Deletes the integration and, in the same statement, the attachments naming it. */
    void delete(UUID orgId, UUID id) {
        jdbc.sql("""
                with gone as (delete from integrations where org_id = :org and id = :id returning id)
                delete from connection_attachments where org_id = :org and kind = 'integrations' and ref_id in (select id from gone)
                """).param("org", orgId).param("id", id).update();
    }

    Optional<Integration> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from integrations where org_id = :org and id = :id").param("org", orgId).param("id", id).query(this::row)
                .optional();
    }

    Optional<Integration> findByName(UUID orgId, String name) {
        return jdbc.sql("select * from integrations where org_id = :org and name = :name").param("org", orgId).param("name", name)
                .query(this::row).optional();
    }

    List<Integration> list(UUID orgId, int limit, long offset) {
        return jdbc.sql("select * from integrations where org_id = :org order by created_at, id limit :limit offset :offset").param("org", orgId)
                .param("limit", limit).param("offset", offset).query(this::row).list();
    }

    long count(UUID orgId) {
        return jdbc.sql("select count(*) from integrations where org_id = :org").param("org", orgId).query(Long.class).single();
    }

    /** The integration named {@code name} if it is attached to this owner, with the attachment's {@code allowed_tables}. */
    Optional<Attached> attached(UUID orgId, String ownerKind, UUID ownerId, String name) {
        return jdbc.sql("""
                select i.*, c.config from connection_attachments c join integrations i on i.id = c.ref_id and i.org_id = c.org_id
                where c.org_id = :org and c.%s = :owner and c.kind = 'integrations' and i.name = :name
                """.formatted(ownerColumn(ownerKind))).param("org", orgId).param("owner", ownerId).param("name", name)
                .query((rs, n) -> new Attached(row(rs, n), allowedTables(json.readTree(rs.getString("config"))))).optional();
    }

    /** Every integration attached to this owner, oldest attachment first. */
    List<Attached> attachedTo(UUID orgId, String ownerKind, UUID ownerId) {
        return jdbc.sql("""
                select i.*, c.config from connection_attachments c join integrations i on i.id = c.ref_id and i.org_id = c.org_id
                where c.org_id = :org and c.%s = :owner and c.kind = 'integrations'
                order by c.created_at, i.name
                """.formatted(ownerColumn(ownerKind))).param("org", orgId).param("owner", ownerId)
                .query((rs, n) -> new Attached(row(rs, n), allowedTables(json.readTree(rs.getString("config"))))).list();
    }

    private static List<String> allowedTables(JsonNode config) {
        JsonNode list = config.get("allowed_tables");
        if (list == null || !list.isArray()) {
            return null;
        }
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode v : list) {
            if (!v.asString("").isBlank()) {
                out.add(v.asString(""));
            }
        }
        return List.copyOf(out);
    }

    private Integration row(ResultSet rs, int n) throws SQLException {
        return new Integration(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("name"), rs.getString("kind"),
                rs.getString("url"), rs.getString("username"), rs.getString("password_sealed"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }
}

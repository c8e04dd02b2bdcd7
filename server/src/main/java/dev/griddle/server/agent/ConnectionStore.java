package dev.griddle.server.agent;

import static dev.griddle.server.llm.Connections.ownerColumn;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.llm.Connections;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SQL for the connections of runners and agents. A link names its owner in the column of the
 * owner's kind ({@link Connections#ownerColumn}), a foreign key: deleting the owner deletes it.
 */
@Repository
class ConnectionStore implements Connections.Source {

    record Attachment(UUID refId, JsonNode config, Instant createdAt) {
    }

    record ToolRow(UUID toolId, String name, boolean allowed, Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ConnectionStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    List<ToolRow> tools(UUID orgId, String kind, UUID owner) {
        return jdbc.sql("""
                select c.tool_id, t.name, c.allowed, c.created_at from connection_tools c join tools t on t.id = c.tool_id
                where c.org_id = :org and c.%s = :owner order by c.created_at, t.name
                """.formatted(ownerColumn(kind))).param("org", orgId).param("owner", owner)
                .query((rs, n) -> new ToolRow(rs.getObject("tool_id", UUID.class), rs.getString("name"), rs.getBoolean("allowed"),
                        rs.getTimestamp("created_at").toInstant())).list();
    }

    void putTool(UUID orgId, String kind, UUID owner, UUID toolId, boolean allowed, Instant now) {
        jdbc.sql("""
                insert into connection_tools (org_id, %1$s, tool_id, allowed, created_at) values (:org, :owner, :tool, :allowed, :now)
                on conflict (%1$s, tool_id) do update set allowed = excluded.allowed
                """.formatted(ownerColumn(kind))).param("org", orgId).param("owner", owner).param("tool", toolId).param("allowed", allowed)
                .param("now", ts(now)).update();
    }

    boolean removeTool(UUID orgId, String kind, UUID owner, UUID toolId) {
        return jdbc.sql("delete from connection_tools where org_id = :org and %s = :owner and tool_id = :tool".formatted(ownerColumn(kind)))
                .param("org", orgId).param("owner", owner).param("tool", toolId).update() > 0;
    }

    Optional<JsonNode> setting(UUID orgId, String kind, UUID owner, String name) {
        return jdbc.sql("select config from connection_settings where org_id = :org and %s = :owner and kind = :name".formatted(ownerColumn(kind)))
                .param("org", orgId).param("owner", owner).param("name", name)
                .query((rs, n) -> json.readTree(rs.getString("config"))).optional();
    }

    void putSetting(UUID orgId, String kind, UUID owner, String name, JsonNode config, Instant now) {
        jdbc.sql("""
                insert into connection_settings (org_id, %1$s, kind, config, updated_at) values (:org, :owner, :name, cast(:config as jsonb), :now)
                on conflict (%1$s, kind) do update set config = excluded.config, updated_at = excluded.updated_at
                """.formatted(ownerColumn(kind))).param("org", orgId).param("owner", owner).param("name", name)
                .param("config", json.writeValueAsString(config)).param("now", ts(now)).update();
    }

    List<Attachment> attachments(UUID orgId, String kind, UUID owner, String what) {
        return jdbc.sql("""
                select ref_id, config, created_at from connection_attachments
                where org_id = :org and %s = :owner and kind = :what order by created_at, ref_id
                """.formatted(ownerColumn(kind))).param("org", orgId).param("owner", owner).param("what", what)
                .query((rs, n) -> new Attachment(rs.getObject("ref_id", UUID.class), json.readTree(rs.getString("config")),
                        rs.getTimestamp("created_at").toInstant())).list();
    }

    void attach(UUID orgId, String kind, UUID owner, String what, UUID ref, JsonNode config, Instant now) {
        jdbc.sql("""
                insert into connection_attachments (org_id, %1$s, kind, ref_id, config, created_at)
                values (:org, :owner, :what, :ref, cast(:config as jsonb), :now)
                on conflict (%1$s, kind, ref_id) do update set config = excluded.config
                """.formatted(ownerColumn(kind))).param("org", orgId).param("owner", owner).param("what", what).param("ref", ref)
                .param("config", json.writeValueAsString(config)).param("now", ts(now)).update();
    }

    boolean detach(UUID orgId, String kind, UUID owner, String what, UUID ref) {
        return jdbc.sql("""
                delete from connection_attachments where org_id = :org and %s = :owner and kind = :what and ref_id = :ref
                """.formatted(ownerColumn(kind))).param("org", orgId).param("owner", owner).param("what", what).param("ref", ref).update() > 0;
    }

    /** Whether a table exists yet (MCP servers, integrations and skills arrive with later issues). */
    boolean tableExists(String table) {
        return jdbc.sql("select to_regclass(:t) is not null").param("t", "public." + table).query(Boolean.class).single();
    }

    boolean rowExists(String table, UUID orgId, UUID id) {
        return jdbc.sql("select count(*) from " + table + " where org_id = :org and id = :id").param("org", orgId).param("id", id)
                .query(Long.class).single() > 0;
    }

    @Override
    public Connections of(UUID orgId, String kind, UUID owner) {
        List<Connections.ToolLink> tools = tools(orgId, kind, owner).stream().map(t -> new Connections.ToolLink(t.toolId(), t.name(), t.allowed()))
                .toList();
        Map<String, List<UUID>> attached = new LinkedHashMap<>();
        for (String what : List.of("mcps", "integrations", "skills")) {
            attached.put(what, attachments(orgId, kind, owner, what).stream().map(Attachment::refId).toList());
        }
        return new Connections(tools, setting(orgId, kind, owner, "web").orElse(null), setting(orgId, kind, owner, "plan").orElse(null), attached);
    }
}

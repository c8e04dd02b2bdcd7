package dev.griddle.server.tool.mcp;

import static dev.griddle.server.llm.Connections.ownerColumn;
import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.secret.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SQL for {@code mcp_servers} and for the {@code mcps} attachments that expose them. A URL that
 * carries credentials ({@link McpUrls#redacted} differs from it) is stored sealed in
 * {@code url_sealed}, with only its redacted form in {@code url}; rows hold the full URL.
 */
@Repository
class McpServerStore {

    /** A server attached to an owner; {@code allowedTools} null means all of its tools. */
    record Attached(McpServerRow server, List<String> allowedTools) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final SecretBox secrets;

    McpServerStore(JdbcClient jdbc, JsonMapper json, SecretBox secrets) {
        this.jdbc = jdbc;
        this.json = json;
        this.secrets = secrets;
    }

    /** Seals the URLs stored in the clear before {@code url_sealed} existed; a no-op once done. */
    @EventListener(ApplicationReadyEvent.class)
    void sealPlainUrls() {
        record Plain(UUID orgId, UUID id, String url) {
        }
        List<Plain> plain = jdbc.sql("select org_id, id, url from mcp_servers where url_sealed is null and url is not null")
                .query((rs, n) -> new Plain(rs.getObject("org_id", UUID.class), rs.getObject("id", UUID.class), rs.getString("url"))).list();
        for (Plain p : plain) {
            if (!p.url().equals(McpUrls.redacted(p.url()))) {
                jdbc.sql("update mcp_servers set url = :shown, url_sealed = :sealed where org_id = :org and id = :id and url_sealed is null")
                        .param("shown", McpUrls.redacted(p.url())).param("sealed", secrets.encrypt(p.url())).param("org", p.orgId())
                        .param("id", p.id()).update();
            }
        }
    }

    void insert(McpServerRow s) {
        jdbc.sql("""
                insert into mcp_servers (id, org_id, name, slug, transport, url, url_sealed, headers_sealed, command, args, created_at, updated_at)
                values (:id, :org, :name, :slug, :transport, :url, :url_sealed, :headers, :command, cast(:args as jsonb), :created, :updated)
                """).param("id", s.id()).param("org", s.orgId()).param("name", s.name()).param("slug", s.slug()).param("transport", s.transport())
                .param("url", McpUrls.redacted(s.url())).param("url_sealed", sealedUrl(s.url())).param("headers", s.headersSealed()).param("command", s.command())
                .param("args", json.writeValueAsString(s.args())).param("created", ts(s.createdAt())).param("updated", ts(s.updatedAt())).update();
    }

    void update(McpServerRow s) {
        jdbc.sql("""
                update mcp_servers set name = :name, slug = :slug, transport = :transport, url = :url, url_sealed = :url_sealed, headers_sealed = :headers,
                       command = :command, args = cast(:args as jsonb), updated_at = :updated
                where org_id = :org and id = :id
                """).param("id", s.id()).param("org", s.orgId()).param("name", s.name()).param("slug", s.slug()).param("transport", s.transport())
                .param("url", McpUrls.redacted(s.url())).param("url_sealed", sealedUrl(s.url())).param("headers", s.headersSealed()).param("command", s.command())
                .param("args", json.writeValueAsString(s.args())).param("updated", ts(s.updatedAt())).update();
    }

    boolean nameOrSlugTakenByAnother(UUID orgId, UUID id, String name, String slug) {
        return jdbc.sql("select count(*) from mcp_servers where org_id = :org and id <> :id and (name = :name or slug = :slug)").param("org", orgId)
                .param("id", id).param("name", name).param("slug", slug).query(Long.class).single() > 0;
    }

    /** Deletes the server and, in the same statement, the attachments naming it. */
    void delete(UUID orgId, UUID id) {
        jdbc.sql("""
                with gone as (delete from mcp_servers where org_id = :org and id = :id returning id)
                delete from connection_attachments where org_id = :org and kind = 'mcps' and ref_id in (select id from gone)
                """).param("org", orgId).param("id", id).update();
    }

    Optional<McpServerRow> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from mcp_servers where org_id = :org and id = :id").param("org", orgId).param("id", id).query(this::row)
                .optional();
    }

    Optional<McpServerRow> findBySlug(UUID orgId, String slug) {
        return jdbc.sql("select * from mcp_servers where org_id = :org and slug = :slug").param("org", orgId).param("slug", slug).query(this::row)
                .optional();
    }

    boolean nameOrSlugTaken(UUID orgId, String name, String slug) {
        return jdbc.sql("select count(*) from mcp_servers where org_id = :org and (name = :name or slug = :slug)").param("org", orgId)
                .param("name", name).param("slug", slug).query(Long.class).single() > 0;
    }

    List<McpServerRow> list(UUID orgId, int limit, long offset) {
        return jdbc.sql("select * from mcp_servers where org_id = :org order by created_at, id limit :limit offset :offset").param("org", orgId)
                .param("limit", limit).param("offset", offset).query(this::row).list();
    }

    long count(UUID orgId) {
        return jdbc.sql("select count(*) from mcp_servers where org_id = :org").param("org", orgId).query(Long.class).single();
    }

    Optional<Attached> attached(UUID orgId, String ownerKind, UUID ownerId, String slug) {
        return jdbc.sql("""
                select s.*, c.config from connection_attachments c join mcp_servers s on s.id = c.ref_id and s.org_id = c.org_id
                where c.org_id = :org and c.%s = :owner and c.kind = 'mcps' and s.slug = :slug
                """.formatted(ownerColumn(ownerKind))).param("org", orgId).param("owner", ownerId).param("slug", slug)
                .query((rs, n) -> new Attached(row(rs, n), names(json.readTree(rs.getString("config")).get("allowed_tools")))).optional();
    }

    /** Every server attached to this owner, oldest attachment first. */
    List<Attached> attachedTo(UUID orgId, String ownerKind, UUID ownerId) {
        return jdbc.sql("""
                select s.*, c.config from connection_attachments c join mcp_servers s on s.id = c.ref_id and s.org_id = c.org_id
                where c.org_id = :org and c.%s = :owner and c.kind = 'mcps'
                order by c.created_at, s.slug
                """.formatted(ownerColumn(ownerKind))).param("org", orgId).param("owner", ownerId)
                .query((rs, n) -> new Attached(row(rs, n), names(json.readTree(rs.getString("config")).get("allowed_tools")))).list();
    }

    private static List<String> names(JsonNode list) {
        if (list == null || !list.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        list.forEach(v -> out.add(v.asString("")));
        return List.copyOf(out);
    }

    private String sealedUrl(String url) {
        return url == null || url.equals(McpUrls.redacted(url)) ? null : secrets.encrypt(url);
    }

    private McpServerRow row(ResultSet rs, int n) throws SQLException {
        List<String> args = names(json.readTree(rs.getString("args")));
        return new McpServerRow(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("name"), rs.getString("slug"),
                rs.getString("transport"), rs.getString("url_sealed") == null ? rs.getString("url") : secrets.decrypt(rs.getString("url_sealed")),
                rs.getString("headers_sealed"), rs.getString("command"),
                args == null ? List.of() : args, instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    }
}

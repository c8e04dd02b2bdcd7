package dev.griddle.server.knowledge;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for {@code knowledge_documents}. Reads join the scope's owner to learn the project it is in
 * now, which is what visibility is decided on. The ingest claim is one statement: due documents
 * picked {@code for update skip locked} and stamped with this node's lease.
 */
@Repository
class DocumentStore {

    private static final String SELECT = """
            select d.*, coalesce(d.project_id, a.project_id, r.project_id) as owner_project
            from knowledge_documents d
            left join agents a on a.id = d.agent_id
            left join runners r on r.id = d.runner_id
            """;

    private final JdbcClient jdbc;
    private final ChunkNotices notices;

    DocumentStore(JdbcClient jdbc, ChunkNotices notices) {
        this.jdbc = jdbc;
        this.notices = notices;
    }

    Optional<DocumentRow> find(UUID orgId, UUID id) {
        return jdbc.sql(SELECT + " where d.org_id = :org and d.id = :id").param("org", orgId).param("id", id).query(this::row).optional();
    }

    /** The document of this title in the scope, its row locked until the transaction ends. */
    Optional<DocumentRow> lockByTitle(UUID orgId, Scope scope, String title) {
        return jdbc.sql(SELECT + """
                 where d.org_id = :org and d.scope_type = :type and d.scope_id is not distinct from :scope and d.title = :title
                 for update of d
                """).param("org", orgId).param("type", scope.type().wireName()).param("scope", scope.id(), Types.OTHER)
                .param("title", title).query(this::row).optional();
    }

    /** Serializes this organization's writes that count against its quota, until the transaction ends. */
    void lockQuota(UUID orgId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('knowledge-quota:' || cast(:org as text), 0))").param("org", orgId)
                .query((rs, n) -> 1).single();
    }

    long usedBytes(UUID orgId) {
        return jdbc.sql("select coalesce(sum(bytes), 0) from knowledge_documents where org_id = :org").param("org", orgId).query(Long.class).single();
    }

    void insert(DocumentRow d, Instant now) {
        jdbc.sql("""
                insert into knowledge_documents (id, org_id, scope_type, project_id, agent_id, runner_id, title, version, status, source,
                    source_url, file_name, content_type, content_hash, bytes, file_oid, metadata, created_at, updated_at)
                values (:id, :org, :type, :project, :agent, :runner, :title, :version, 'processing', :source,
                    :url, :file, :ctype, :hash, :bytes, :oid, cast(:metadata as jsonb), :now, :now)
                """).param("id", d.id()).param("org", d.orgId()).param("type", d.scope().type().wireName())
                .param("project", d.scope().type() == ScopeType.PROJECT ? d.scope().id() : null, Types.OTHER)
                .param("agent", d.scope().type() == ScopeType.AGENT ? d.scope().id() : null, Types.OTHER)
                .param("runner", d.scope().type() == ScopeType.RUNNER ? d.scope().id() : null, Types.OTHER)
                .param("title", d.title()).param("version", d.version()).param("source", d.source()).param("url", d.sourceUrl())
                .param("file", d.fileName()).param("ctype", d.contentType()).param("hash", d.contentHash()).param("bytes", d.bytes())
                .param("oid", d.fileOid()).param("metadata", d.metadata()).param("now", ts(now)).update();
    }

    void updateMetadata(UUID orgId, UUID id, String metadata, Instant now) {
        jdbc.sql("update knowledge_documents set metadata = cast(:metadata as jsonb), updated_at = :now where org_id = :org and id = :id")
                .param("metadata", metadata).param("now", ts(now)).param("org", orgId).param("id", id).update();
    }

    /** Deletes the document; its chunks go with it (foreign key) and its file (trigger); every node's vector index is told. */
    boolean delete(UUID orgId, UUID id) {
        boolean deleted = jdbc.sql("delete from knowledge_documents where org_id = :org and id = :id").param("org", orgId).param("id", id).update() > 0;
        if (deleted) {
            notices.changed(id);
        }
        return deleted;
    }

    /** Back to {@code processing} for the ingest loop, with a fresh attempt count; its chunks stay searchable until replaced. */
    void requeue(UUID orgId, UUID id, Instant now) {
        jdbc.sql("""
                update knowledge_documents set status = 'processing', error = null, attempts = 0, lease_owner = null, lease_expires_at = null,
                    updated_at = :now where org_id = :org and id = :id
                """).param("org", orgId).param("id", id).param("now", ts(now)).update();
    }

    /** The documents a key may see, in {@code scope} when given, oldest first. */
    List<DocumentRow> list(UUID orgId, UUID[] projects, Scope scope, int limit, long offset) {
        return jdbc.sql(SELECT + VISIBLE + " order by d.created_at, d.id limit :limit offset :offset").param("org", orgId)
                .param("projects", projects).param("type", scope == null ? null : scope.type().wireName())
                .param("scope", scope == null ? null : scope.id(), Types.OTHER).param("limit", limit).param("offset", offset)
                .query(this::row).list();
    }

    long count(UUID orgId, UUID[] projects, Scope scope) {
        return jdbc.sql("select count(*) from (" + SELECT + VISIBLE + ") x").param("org", orgId).param("projects", projects)
                .param("type", scope == null ? null : scope.type().wireName()).param("scope", scope == null ? null : scope.id(), Types.OTHER)
                .query(Long.class).single();
    }

    private static final String VISIBLE = """
             where d.org_id = :org
               and (cast(:projects as uuid[]) is null or d.scope_type = 'org'
                    or coalesce(d.project_id, a.project_id, r.project_id) = any(cast(:projects as uuid[])))
               and (cast(:type as text) is null or d.scope_type = :type and d.scope_id is not distinct from cast(:scope as uuid))
            """;

    /**
     * Leases up to {@code max} documents waiting in {@code processing} whose lease is free or has
     * run out (a node died mid-ingest), oldest first; each claim counts an attempt.
     */
    List<UUID> claim(UUID node, Instant now, Duration lease, int max) {
        return jdbc.sql("""
                with due as (
                    select id from knowledge_documents
                    where status = 'processing' and (lease_expires_at is null or lease_expires_at < :now)
                    order by lease_expires_at nulls first, created_at
                    limit :max for update skip locked)
                update knowledge_documents d set lease_owner = :node, lease_expires_at = :until, attempts = d.attempts + 1
                from due where d.id = due.id
                returning d.id
                """).param("now", ts(now)).param("max", max).param("node", node).param("until", ts(now.plus(lease))).query(UUID.class).list();
    }

    /** The document leased to {@code node}, locked, if it still is (not deleted, not taken over). */
    Optional<DocumentRow> lockLeased(UUID id, UUID node) {
        return jdbc.sql(SELECT + " where d.id = :id and d.status = 'processing' and d.lease_owner = :node for update of d").param("id", id)
                .param("node", node).query(this::row).optional();
    }

    int attempts(UUID id) {
        return jdbc.sql("select attempts from knowledge_documents where id = :id").param("id", id).query(Integer.class).optional().orElse(0);
    }

    void finish(UUID id, String status, String error, int chunks, Instant now) {
        jdbc.sql("""
                update knowledge_documents set status = :status, error = :error, chunks = :chunks, lease_owner = null, lease_expires_at = null,
                    updated_at = :now where id = :id
                """).param("status", status).param("error", error).param("chunks", chunks).param("now", ts(now)).param("id", id).update();
    }

    private DocumentRow row(ResultSet rs, int n) throws SQLException {
        ScopeType type = ScopeType.parse(rs.getString("scope_type"));
        Scope scope = new Scope(type, rs.getObject("scope_id", UUID.class), rs.getObject("owner_project", UUID.class));
        return new DocumentRow(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), scope, rs.getString("title"),
                rs.getInt("version"), rs.getString("status"), rs.getString("error"), rs.getString("source"), rs.getString("source_url"),
                rs.getString("file_name"), rs.getString("content_type"), rs.getString("content_hash"), rs.getLong("bytes"),
                rs.getLong("file_oid"), rs.getString("metadata"), rs.getInt("chunks"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }
}

package dev.griddle.server.auth;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.web.Role;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code api_keys}; every query but the authentication lookup is scoped by organization. */
@Repository
class ApiKeyStore {

    private static final String COLUMNS = "id, org_id, name, role, project_ids, prefix, instance_admin, expires_at, revoked_at, created_at";

    private final JdbcClient jdbc;

    ApiKeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Row(UUID id, UUID orgId, String name, Role role, Set<UUID> projectIds, String prefix, boolean instanceAdmin,
            Instant expiresAt, Instant revokedAt, Instant createdAt) {

        ApiKey view() {
            return new ApiKey(id, name, role.wireName(), projectIds == null ? null : List.copyOf(projectIds), prefix, expiresAt, revokedAt, createdAt, null);
        }

        Caller caller() {
            return new Caller(orgId, id, role, projectIds, instanceAdmin);
        }
    }

    void insert(UUID id, UUID orgId, String name, Role role, Set<UUID> projectIds, String secret, boolean instanceAdmin,
            Instant expiresAt, Instant now) {
        jdbc.sql("""
                insert into api_keys (id, org_id, name, role, project_ids, prefix, secret_hash, instance_admin, expires_at, created_at)
                values (:id, :org, :name, :role, :projects, :prefix, :hash, :admin, :expires, :now)
                """)
                .param("id", id).param("org", orgId).param("name", name).param("role", role.wireName())
                .param("projects", projectIds == null ? null : projectIds.toArray(UUID[]::new))
                .param("prefix", KeySecrets.displayPrefix(secret)).param("hash", KeySecrets.hash(secret))
                .param("admin", instanceAdmin).param("expires", ts(expiresAt)).param("now", ts(now))
                .update();
    }

    Optional<Row> findByHash(String hash) {
        return jdbc.sql("select " + COLUMNS + " from api_keys where secret_hash = :hash")
                .param("hash", hash).query(ApiKeyStore::row).optional();
    }

    /** By id alone: only to check again a key already authenticated (its id came from its own row). */
    Optional<Row> findById(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from api_keys where id = :id").param("id", id).query(ApiKeyStore::row).optional();
    }

    Optional<Row> find(UUID orgId, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from api_keys where org_id = :org and id = :id")
                .param("org", orgId).param("id", id).query(ApiKeyStore::row).optional();
    }

    /** A key the caller may see (see {@link #scoped}). */
    Optional<Row> visible(Caller caller, UUID id) {
        return scoped("select " + COLUMNS + " from api_keys where org_id = :org and id = :id", "", caller)
                .param("id", id).query(ApiKeyStore::row).optional();
    }

    List<Row> list(Caller caller, PageQuery page) {
        return scoped("select " + COLUMNS + " from api_keys where org_id = :org", " order by created_at, id limit :limit offset :offset", caller)
                .param("limit", page.perPage()).param("offset", page.offset()).query(ApiKeyStore::row).list();
    }

    long count(Caller caller) {
        return scoped("select count(*) from api_keys where org_id = :org", "", caller).query(Long.class).single();
    }

    /** Revokes a key the caller may see; false when there is none. */
    boolean revoke(Caller caller, UUID id, Instant now) {
        return scoped("update api_keys set revoked_at = coalesce(revoked_at, :now) where org_id = :org and id = :id", "", caller)
                .param("now", ts(now)).param("id", id).update() == 1;
    }

    /**
     * {@code where} (which ends in the organization's condition), narrowed to the keys the caller
     * may see, list and revoke, then {@code tail}. A key for all projects sees every key of its
     * organization; a key limited to some projects only keys limited to projects among its own,
     * never a key for all projects (such as the instance admin's).
     */
    private JdbcClient.StatementSpec scoped(String where, String tail, Caller caller) {
        if (caller.allProjects()) {
            return jdbc.sql(where + tail).param("org", caller.orgId());
        }
        return jdbc.sql(where + " and project_ids is not null and project_ids <@ :mine" + tail)
                .param("org", caller.orgId()).param("mine", caller.projectIds().toArray(UUID[]::new));
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        Array projects = rs.getArray("project_ids");
        Set<UUID> projectIds = projects == null ? null : new LinkedHashSet<>(Arrays.asList((UUID[]) projects.getArray()));
        return new Row(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("name"),
                Role.fromWire(rs.getString("role")), projectIds, rs.getString("prefix"), rs.getBoolean("instance_admin"),
                instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("revoked_at")), instant(rs.getTimestamp("created_at")));
    }
}

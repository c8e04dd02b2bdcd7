package dev.griddle.server.secret;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code secrets}. Values stay sealed here; only {@link OrgSecrets} opens them. */
@Repository
class SecretStore {

    /** A secret without its value: what the API may show. {@code projectIds} empty = available to every project. */
    record Entry(String name, List<UUID> projectIds, Instant createdAt, Instant updatedAt) {
    }

    /** A secret with its sealed value. */
    record Sealed(String name, String valueSealed, List<UUID> projectIds) {
    }

    private final JdbcClient jdbc;

    SecretStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What a PUT did: the row as stored, and whether it was new. */
    record Upserted(Entry entry, boolean created) {
    }

    /** Inserts or replaces value and projects; created_at is kept on replace. */
    Upserted upsert(UUID orgId, String name, String sealed, List<UUID> projectIds, Instant now) {
        return jdbc.sql("""
                insert into secrets (org_id, name, value_sealed, project_ids, created_at, updated_at)
                values (:org, :name, :sealed, :projects, :now, :now)
                on conflict (org_id, name) do update set value_sealed = excluded.value_sealed, project_ids = excluded.project_ids,
                    updated_at = excluded.updated_at
                returning name, project_ids, created_at, updated_at, (xmax = 0) as inserted
                """).param("org", orgId).param("name", name).param("sealed", sealed).param("projects", projectIds.toArray(UUID[]::new))
                .param("now", ts(now)).query((rs, n) -> new Upserted(entry(rs, n), rs.getBoolean("inserted"))).single();
    }

    /** How many of {@code ids} are projects of the organization. */
    int projectsFound(UUID orgId, List<UUID> ids) {
        return jdbc.sql("select count(*) from projects where org_id = :org and id = any(:ids)").param("org", orgId)
                .param("ids", ids.toArray(UUID[]::new)).query(Integer.class).single();
    }

    boolean delete(UUID orgId, String name) {
        return jdbc.sql("delete from secrets where org_id = :org and name = :name").param("org", orgId).param("name", name).update() > 0;
    }

    Optional<Entry> find(UUID orgId, String name) {
        return jdbc.sql("select name, project_ids, created_at, updated_at from secrets where org_id = :org and name = :name").param("org", orgId)
                .param("name", name).query(SecretStore::entry).optional();
    }

    List<Entry> list(UUID orgId, int limit, long offset) {
        return jdbc.sql("select name, project_ids, created_at, updated_at from secrets where org_id = :org order by name limit :limit offset :offset")
                .param("org", orgId).param("limit", limit).param("offset", offset).query(SecretStore::entry).list();
    }

    long count(UUID orgId) {
        return jdbc.sql("select count(*) from secrets where org_id = :org").param("org", orgId).query(Long.class).single();
    }

    List<Sealed> sealed(UUID orgId) {
        return jdbc.sql("select name, value_sealed, project_ids from secrets where org_id = :org").param("org", orgId)
                .query((rs, n) -> new Sealed(rs.getString("name"), rs.getString("value_sealed"), projects(rs))).list();
    }

    private static Entry entry(ResultSet rs, int n) throws SQLException {
        return new Entry(rs.getString("name"), projects(rs), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    }

    private static List<UUID> projects(ResultSet rs) throws SQLException {
        Array array = rs.getArray("project_ids");
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(UUID.class::cast).sorted().toList();
    }
}

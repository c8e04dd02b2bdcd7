package dev.griddle.server.runner;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SQL for {@code runner_versions}: insert-only; a version's spec never changes once written. */
@Repository
class VersionStore {

    /** A version row; {@code spec} is the stored {@link RunnerSpec} JSON. */
    record StoredVersion(UUID runnerId, int version, String name, JsonNode spec, String specHash, Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    VersionStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<StoredVersion> find(UUID orgId, UUID runnerId, int version) {
        return jdbc.sql("select * from runner_versions where org_id = :org and runner_id = :runner and version = :v")
                .param("org", orgId).param("runner", runnerId).param("v", version).query(this::row).optional();
    }

    Optional<StoredVersion> latest(UUID orgId, UUID runnerId) {
        return jdbc.sql("select * from runner_versions where org_id = :org and runner_id = :runner order by version desc limit 1")
                .param("org", orgId).param("runner", runnerId).query(this::row).optional();
    }

    List<StoredVersion> list(UUID orgId, UUID runnerId, int limit, long offset) {
        return jdbc.sql("""
                select * from runner_versions where org_id = :org and runner_id = :runner
                order by version desc limit :limit offset :offset
                """).param("org", orgId).param("runner", runnerId).param("limit", limit).param("offset", offset).query(this::row).list();
    }

    long count(UUID orgId, UUID runnerId) {
        return jdbc.sql("select count(*) from runner_versions where org_id = :org and runner_id = :runner")
                .param("org", orgId).param("runner", runnerId).query(Long.class).single();
    }

    void insert(UUID orgId, StoredVersion v) {
        jdbc.sql("""
                insert into runner_versions (runner_id, version, org_id, name, spec, spec_hash, created_at)
                values (:runner, :v, :org, :name, cast(:spec as jsonb), :hash, :now)
                """).param("runner", v.runnerId()).param("v", v.version()).param("org", orgId).param("name", v.name())
                .param("spec", json.writeValueAsString(v.spec())).param("hash", v.specHash()).param("now", ts(v.createdAt())).update();
    }

    private StoredVersion row(ResultSet rs, int n) throws SQLException {
        return new StoredVersion(rs.getObject("runner_id", UUID.class), rs.getInt("version"), rs.getString("name"),
                json.readTree(rs.getString("spec")), rs.getString("spec_hash"), instant(rs.getTimestamp("created_at")));
    }
}

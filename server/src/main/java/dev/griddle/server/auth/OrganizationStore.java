package dev.griddle.server.auth;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.web.PageQuery;
import dev.griddle.server.web.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Organizations: the tenants. Only the instance admin lists or creates them. */
@Repository
class OrganizationStore {

    record Organization(UUID id, String name, Instant createdAt) {
    }

    private static final RowMapper<Organization> ROW = (rs, n) ->
            new Organization(rs.getObject("id", UUID.class), rs.getString("name"), instant(rs.getTimestamp("created_at")));

    private final JdbcClient jdbc;
    private final ApiKeyStore keys;

    OrganizationStore(JdbcClient jdbc, ApiKeyStore keys) {
        this.jdbc = jdbc;
        this.keys = keys;
    }

    /** Creates an organization with its first admin key, in one transaction. */
    @Transactional
    Organization create(String name, String adminSecret, boolean instanceAdmin, Instant now) {
        UUID id = UUID.randomUUID();
        jdbc.sql("insert into organizations (id, name, created_at) values (:id, :name, :now)")
                .param("id", id).param("name", name).param("now", ts(now)).update();
        keys.insert(UUID.randomUUID(), id, instanceAdmin ? "bootstrap admin" : "admin", Role.ADMIN, null, adminSecret, instanceAdmin, null, now);
        return find(id).orElseThrow();
    }

    Optional<Organization> find(UUID id) {
        return jdbc.sql("select * from organizations where id = :id").param("id", id).query(ROW).optional();
    }

    List<Organization> list(PageQuery page) {
        return jdbc.sql("select * from organizations order by created_at, id limit :limit offset :offset")
                .param("limit", page.perPage()).param("offset", page.offset()).query(ROW).list();
    }

    long count() {
        return jdbc.sql("select count(*) from organizations").query(Long.class).single();
    }
}

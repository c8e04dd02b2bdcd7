package dev.griddle.server.console;

import java.util.Collection;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The few reads the console makes that no API service answers in the shape it needs. */
@Repository
class ConsoleQueries {

    private final JdbcClient jdbc;

    ConsoleQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Runner names by id (the key's projects only, when limited), by name, at most {@code limit}: the feed's filter and its runner column. */
    java.util.Map<UUID, String> runnerNames(UUID orgId, UUID[] projectIds, int limit) {
        java.util.Map<UUID, String> names = new java.util.LinkedHashMap<>();
        jdbc.sql("""
                select id, name from runners where org_id = :org
                  and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
                order by name, id limit :limit
                """).param("org", orgId).param("projects", projectIds).param("limit", limit)
                .query((rs, n) -> names.put(rs.getObject("id", UUID.class), rs.getString("name"))).list();
        return names;
    }

    /** Agent names by id (the key's projects only, when limited), by name, at most {@code limit}: the new-thread form's choice. */
    java.util.Map<UUID, String> agentNames(UUID orgId, UUID[] projectIds, int limit) {
        java.util.Map<UUID, String> names = new java.util.LinkedHashMap<>();
        jdbc.sql("""
                select id, name from agents where org_id = :org
                  and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
                order by name, id limit :limit
                """).param("org", orgId).param("projects", projectIds).param("limit", limit)
                .query((rs, n) -> names.put(rs.getObject("id", UUID.class), rs.getString("name"))).list();
        return names;
    }

    /** Whether any of these runs belongs to the organization (and, when given, to one of the projects). */
    boolean anyVisible(UUID orgId, UUID[] projectIds, Collection<UUID> runIds) {
        if (runIds.isEmpty()) {
            return false;
        }
        return jdbc.sql("""
                select exists (select 1 from runs where id = any(:ids) and org_id = :org
                  and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[]))))
                """).param("ids", runIds.toArray(UUID[]::new)).param("org", orgId).param("projects", projectIds)
                .query(Boolean.class).single();
    }
}

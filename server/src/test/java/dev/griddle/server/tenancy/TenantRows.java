package dev.griddle.server.tenancy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A digest of organization A's rows in every table of the schema: a table with an {@code org_id}
 * column is read for A only, any other table whole (its rows hang off A's, or nobody's). A
 * refused call must leave every digest as it was. A few columns move by themselves and are left
 * out, each with its reason in {@link #VOLATILE_COLUMNS}; tables only background jobs write are
 * in {@link #BACKGROUND_TABLES}.
 */
public final class TenantRows implements TenancyMatrix.Rows {

    /** Columns that change without anyone asking, and why that is not a tenant's side effect. */
    static final Map<String, String> VOLATILE_COLUMNS = Map.of(
            "last_used_at", "api_keys: stamped whenever A's PB-limited key authenticates (it is one of the outsiders)",
            "last_heartbeat_at", "workers: a heartbeat is the protocol's liveness signal, allowed to project-limited worker hosts",
            "scanned_until", "notifications: the background scanner's progress mark, moved on every pass");

    /** Tables only background jobs write (rollups for analytics, export cursors, the flyway history). */
    static final Set<String> BACKGROUND_TABLES = Set.of("flyway_schema_history", "trace_cursors", "run_rollups", "duration_rollups",
            "step_rollups", "model_rollups", "trigger_rollups");

    private final JdbcClient jdbc;
    private final UUID orgId;
    private String query;

    public TenantRows(JdbcClient jdbc, UUID orgId) {
        this.jdbc = jdbc;
        this.orgId = orgId;
    }

    @Override
    public Map<String, String> digest() {
        if (query == null) {
            query = buildQuery();
        }
        Map<String, String> out = new LinkedHashMap<>();
        jdbc.sql(query).query((rs, n) -> out.put(rs.getString(1), rs.getLong(2) + " rows, md5 " + rs.getString(3))).list();
        return out;
    }

    /** How many of A's rows each table holds (for the report and the before/after count). */
    public Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        digest().forEach((table, d) -> out.put(table, Long.parseLong(d.substring(0, d.indexOf(' ')))));
        return out;
    }

    private String buildQuery() {
        List<String> tables = jdbc.sql("""
                select table_name from information_schema.tables
                where table_schema = current_schema() and table_type = 'BASE TABLE'
                order by table_name
                """).query(String.class).list();
        return tables.stream().filter(t -> !BACKGROUND_TABLES.contains(t)).map(this::tableDigest).collect(Collectors.joining("\nunion all\n"));
    }

    private String tableDigest(String table) {
        List<String> columns = jdbc.sql("""
                select column_name from information_schema.columns
                where table_schema = current_schema() and table_name = :table
                order by ordinal_position
                """).param("table", table).query(String.class).list();
        String row = columns.stream().filter(c -> !VOLATILE_COLUMNS.containsKey(c)).map(c -> "t.\"" + c + "\"")
                .collect(Collectors.joining(", ", "row(", ")::text"));
        String where = columns.contains("org_id") ? " where t.org_id = '" + orgId + "'" : "";
        return "select '" + table + "', count(*), md5(coalesce(string_agg(" + row + ", '|' order by " + row + "), '')) from \"" + table
                + "\" t" + where;
    }
}

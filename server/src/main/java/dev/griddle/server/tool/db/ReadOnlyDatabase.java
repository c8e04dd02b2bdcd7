package dev.griddle.server.tool.db;

import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.secret.SecretBox;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Opens a connection to an integration's database and runs one query in a read-only transaction
 * that is always rolled back: {@code connection.setReadOnly(true)} plus
 * {@code SET TRANSACTION READ ONLY}, a statement timeout set in the database and on the JDBC
 * statement, and a row cap. The host is checked by the {@link OutboundGuard} first.
 */
@Component
class ReadOnlyDatabase {

    /** The H2 user can write: H2 has no read-only transactions, so its grants are the only fence. */
    static final class WritableUser extends SQLException {
        WritableUser(String message) {
            super(message, "28000");
        }
    }

    /**
     * Whether the connected H2 user may change anything: an admin, a schema owner, or a non-SELECT
     * table right held by the user, by PUBLIC or by any role (H2 does not show a non-admin which
     * roles it has, so a role with write rights counts against every user).
     */
    private static final String H2_WRITE_RIGHTS = """
            select (select count(*) from information_schema.users where user_name = current_user and is_admin) as admin,
                   (select count(*) from information_schema.schemata where schema_owner = current_user) as owner,
                   (select count(*) from information_schema.table_privileges where privilege_type <> 'SELECT'
                     and (grantee = current_user or grantee = 'PUBLIC' or grantee in (select role_name from information_schema.roles))) as rights
            """;

    /** A query's result as JSON, {@code {columns, rows, row_count, truncated}}. */
    record Result(ObjectNode json) {
    }

    private final OutboundGuard guard;
    private final SecretBox secrets;
    private final IntegrationProperties props;
    private final JsonMapper json;

    ReadOnlyDatabase(OutboundGuard guard, SecretBox secrets, IntegrationProperties props, JsonMapper json) {
        this.guard = guard;
        this.secrets = secrets;
        this.props = props;
        this.json = json;
    }

    /** Runs {@code sql} (already passed by {@link SqlGuard}) with positional {@code params}; at most {@code limit} rows. */
    ObjectNode query(Integration integration, String sql, List<Object> params, int limit) throws SQLException {
        int cap = Math.max(1, Math.min(limit, props.maxRows()));
        try (Connection c = open(integration)) {
            try {
                begin(c, integration.kind());
                try (PreparedStatement st = c.prepareStatement(sql)) {
                    st.setQueryTimeout((int) Math.max(1, props.statementTimeout().toSeconds()));
                    st.setMaxRows(cap + 1);
                    for (int i = 0; i < params.size(); i++) {
                        st.setObject(i + 1, params.get(i));
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        return rows(rs, cap);
                    }
                }
            } finally {
                c.rollback();
            }
        }
    }

    private Connection open(Integration integration) throws SQLException {
        JdbcUrls.Target target;
        try {
            target = JdbcUrls.parse(integration.kind(), integration.url());
        } catch (JdbcUrls.Invalid e) {
            throw new SQLException("the integration's url " + e.getMessage(), "08001");
        }
        guard.check(target.address());
        Properties p = new Properties();
        if (integration.username() != null) {
            p.setProperty("user", integration.username());
        }
        if (integration.passwordSealed() != null) {
            p.setProperty("password", secrets.decrypt(integration.passwordSealed()));
        }
        long connectSeconds = Math.max(1, props.connectTimeout().toSeconds());
        if ("postgresql".equals(integration.kind())) {
            p.setProperty("connectTimeout", Long.toString(connectSeconds));
            p.setProperty("socketTimeout", Long.toString(props.statementTimeout().toSeconds() + 30));
            p.setProperty("ApplicationName", "griddle-integration");
        } else if ("mysql".equals(integration.kind())) {
            p.setProperty("connectTimeout", Long.toString(connectSeconds * 1000));
        }
        // h2: user and password only; every other property would be an H2 setting
        // the vetted parts, never the stored URL: its options could point the driver at another host
        Connection c;
        try {
            c = DriverManager.getConnection(target.driverUrl(), p);
        } catch (SQLException e) {
            String refused = guard.refusalOf(target.address().getHost());
            throw refused == null ? e : new SQLException(refused, "08001", e);
        }
        try {
            if ("h2".equals(integration.kind())) {
                refuseWritable(c, integration.username());
            }
            c.setAutoCommit(false);
            c.setReadOnly(true);
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Connects and checks that an h2 integration's user cannot write. Throws {@link WritableUser}
     * when it can; any other failure (unreachable, wrong password) is the caller's to judge.
     */
    void checkReadOnly(Integration integration) throws SQLException {
        open(integration).close();
    }

    private static void refuseWritable(Connection c, String user) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(H2_WRITE_RIGHTS)) {
            rs.next();
            String why = rs.getLong("admin") > 0 ? "is an admin" : rs.getLong("owner") > 0 ? "owns a schema"
                    : rs.getLong("rights") > 0 ? "has (or may have, through a role) rights other than SELECT" : null;
            if (why != null) {
                throw new WritableUser("the H2 user '" + user + "' " + why + ": H2 has no read-only transactions, so an h2 integration "
                        + "must connect as a user with SELECT rights only (CREATE USER reader PASSWORD '...'; GRANT SELECT ON ... TO reader)");
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    private void begin(Connection c, String kind) throws SQLException {
        long ms = props.statementTimeout().toMillis();
        try (Statement st = c.createStatement()) {
            if ("postgresql".equals(kind)) {
                st.execute("set transaction read only");
                st.execute("set local statement_timeout = " + ms);
            } else if ("h2".equals(kind)) {
                // H2 has no read-only transactions (setReadOnly is a hint it ignores): the fences are the
                // SELECT-only parse, the rollback below, and the grants of the integration's user
                return;
            } else {
                st.execute(MySqlTimeout.statement(c.getMetaData(), ms));
                st.execute("set session transaction read only");
                st.execute("start transaction read only");
            }
        }
    }

    private ObjectNode rows(ResultSet rs, int cap) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        ObjectNode out = json.createObjectNode();
        ArrayNode columns = out.putArray("columns");
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.addObject().put("name", md.getColumnLabel(i)).put("type", md.getColumnTypeName(i));
        }
        ArrayNode rows = out.putArray("rows");
        boolean truncated = false;
        while (rs.next()) {
            if (rows.size() == cap) {
                truncated = true;
                break;
            }
            ObjectNode row = rows.addObject();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                put(row, md.getColumnLabel(i), opaque(md.getColumnType(i)) ? base64(rs.getBytes(i)) : rs.getObject(i));
            }
        }
        out.put("row_count", rows.size()).put("truncated", truncated);
        return out;
    }

    /**
     * Serialized Java objects are read as bytes, never through {@code getObject}, which would
     * deserialize whatever the (remote, possibly hostile) database sent inside Griddle's JVM.
     */
    private static boolean opaque(int sqlType) {
        return sqlType == Types.JAVA_OBJECT || sqlType == Types.STRUCT || sqlType == Types.REF || sqlType == Types.DATALINK;
    }

    private static String base64(byte[] bytes) {
        return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
    }

    private static void put(ObjectNode row, String name, Object v) {
        switch (v) {
            case null -> row.putNull(name);
            case Boolean b -> row.put(name, b);
            case Integer i -> row.put(name, i);
            case Long l -> row.put(name, l);
            case Short s -> row.put(name, s);
            case Double d -> row.put(name, d);
            case Float f -> row.put(name, f);
            case BigDecimal d -> row.put(name, d);
            case BigInteger i -> row.put(name, i);
            default -> row.put(name, v.toString());
        }
    }
}

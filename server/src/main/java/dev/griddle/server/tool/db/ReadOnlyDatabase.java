package dev.griddle.server.tool.db;

import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.secret.SecretBox;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Opens a connection to an integration's database and runs one query in a read-only transaction
 * that is always rolled back: {@code connection.setReadOnly(true)} plus
 * {@code SET TRANSACTION READ ONLY}, a statement timeout set in the database and on the JDBC
 * statement, and the row and size caps of {@link CappedRows}, which the drivers are told too
 * (PostgreSQL's {@code maxResultBuffer} and cursor fetching, MariaDB's streaming). The host is
 * checked by the {@link OutboundGuard} first.
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

    /** Rows per round trip of a PostgreSQL cursor or an H2 fetch. */
    private static final int FETCH_ROWS = 100;

    private final OutboundGuard guard;
    private final SecretBox secrets;
    private final IntegrationProperties props;
    private final CappedRows rows;

    ReadOnlyDatabase(OutboundGuard guard, SecretBox secrets, IntegrationProperties props, JsonMapper json) {
        this.guard = guard;
        this.secrets = secrets;
        this.props = props;
        this.rows = new CappedRows(props, json);
    }

    /**
     * Runs {@code sql} (already passed by {@link SqlGuard}) with positional {@code params}; at most
     * {@code limit} rows, read by {@link CappedRows}. A result over a size limit aborts the
     * connection instead of closing it, so no driver drains the rest of a huge result first.
     */
    ObjectNode query(Integration integration, String sql, List<Object> params, int limit) throws SQLException {
        int cap = Math.max(1, Math.min(limit, props.maxRows()));
        Connection c = open(integration);
        try {
            ObjectNode result = run(c, integration.kind(), sql, params, cap);
            c.rollback();
            c.close();
            return result;
        } catch (SQLException e) {
            SQLException why = overBuffer(e)
                    ? CappedRows.resultTooLarge(props.maxResultSize().toBytes(), ", counted by the driver before the rows were read") : e;
            if (why instanceof CappedRows.TooLarge) {
                abort(c, why);
            } else {
                closeQuietly(c, why);
            }
            throw why;
        } catch (RuntimeException e) {
            closeQuietly(c, e);
            throw e;
        }
    }

    /**
     * The statement and its result set are closed here on success and with the connection
     * otherwise: closing a MariaDB streaming result reads (and drops) every row left.
     */
    private ObjectNode run(Connection c, String kind, String sql, List<Object> params, int cap) throws SQLException {
        begin(c, kind);
        PreparedStatement st = c.prepareStatement(sql);
        st.setQueryTimeout((int) Math.max(1, props.statementTimeout().toSeconds()));
        st.setMaxRows(cap + 1);
        // PostgreSQL: a cursor (autocommit is off) fetching 100 rows at a time; MariaDB: streaming, one
        // row at a time (the server sends whole rows anyway); without it both read the whole result first
        st.setFetchSize("mysql".equals(kind) ? 1 : FETCH_ROWS);
        for (int i = 0; i < params.size(); i++) {
            st.setObject(i + 1, params.get(i));
        }
        ResultSet rs = st.executeQuery();
        ObjectNode result = rows.read(rs, cap);
        rs.close();
        st.close();
        return result;
    }

    /**
     * PostgreSQL's driver refused a batch of rows over {@code maxResultBuffer}, before allocating it.
     * It says so only in the message (SQLState 08S01, like a broken connection); its translations
     * (ko, ru, zh_CN in 42.7) keep the property's name.
     */
    private static boolean overBuffer(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("maxResultBuffer");
    }

    private static void abort(Connection c, Exception failure) {
        try {
            c.abort(Runnable::run);
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void closeQuietly(Connection c, Exception failure) {
        try {
            if (!c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
        try {
            c.close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
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
            // the driver counts each batch of rows as it arrives and fails before allocating past this
            p.setProperty("maxResultBuffer", Long.toString(props.maxResultSize().toBytes()));
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
}

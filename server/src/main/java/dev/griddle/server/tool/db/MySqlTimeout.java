package dev.griddle.server.tool.db;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The session statement timeout of a {@code mysql} integration, which may be served by MySQL or by
 * MariaDB: MariaDB has {@code max_statement_time} (seconds), MySQL has {@code max_execution_time}
 * (milliseconds, SELECT only, which is all an integration runs). Setting the other one fails with
 * "unknown system variable".
 */
final class MySqlTimeout {

    private MySqlTimeout() {
    }

    /** The statement setting a timeout of {@code ms} on the server behind {@code md}. */
    static String statement(DatabaseMetaData md, long ms) throws SQLException {
        return statement(md.getDatabaseProductName(), md.getDatabaseProductVersion(), ms);
    }

    /**
     * {@code productName} and {@code productVersion} as the driver reports them: MariaDB says so in
     * either ({@code MariaDB}, {@code 10.11.6-MariaDB}); anything else is MySQL.
     */
    static String statement(String productName, String productVersion, long ms) {
        boolean mariaDb = (productName + " " + productVersion).toLowerCase(Locale.ROOT).contains("mariadb");
        return mariaDb ? "set session max_statement_time = " + Math.max(1, ms / 1000)
                : "set session max_execution_time = " + Math.max(1, ms);
    }
}

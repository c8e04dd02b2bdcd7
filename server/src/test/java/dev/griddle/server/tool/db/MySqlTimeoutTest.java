package dev.griddle.server.tool.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which statement timeout a {@code mysql} integration sets, from what the driver reports (no MySQL server runs here). */
class MySqlTimeoutTest {

    @Test
    void mySqlGetsMaxExecutionTimeInMilliseconds() {
        assertThat(MySqlTimeout.statement("MySQL", "8.0.36", 10_000)).isEqualTo("set session max_execution_time = 10000");
        assertThat(MySqlTimeout.statement("MySQL", "8.4.3-commercial", 1_500)).isEqualTo("set session max_execution_time = 1500");
        assertThat(MySqlTimeout.statement("MySQL", "5.7.44-log", 0)).isEqualTo("set session max_execution_time = 1");
    }

    @Test
    void mariaDbGetsMaxStatementTimeInSeconds() {
        assertThat(MySqlTimeout.statement("MariaDB", "11.4.2-MariaDB-ubu2404", 10_000)).isEqualTo("set session max_statement_time = 10");
        // older drivers, or MariaDB behind a MySQL-compatible proxy, report "MySQL" with a MariaDB version
        assertThat(MySqlTimeout.statement("MySQL", "5.5.5-10.11.6-MariaDB", 1_500)).isEqualTo("set session max_statement_time = 1");
    }
}

package dev.griddle.server.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.griddle.sdk.GriddleClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL asks for a password: a fresh data directory gets one at initdb, and one
 * made the way older Griddles made it (zonky's defaults: trust authentication, no password) is
 * upgraded on its next start. Either way a passwordless connection to the embedded port is refused
 * while Griddle works, and the password is kept owner-only in the data directory.
 */
class EmbeddedDatabasePasswordIT {

    private static final String KEY = "grd_live_EmbeddedPasswordItKey0000000000";

    @TempDir
    Path fresh;

    @TempDir
    Path legacy;

    @Test
    void aFreshDataDirectoryRefusesPasswordlessConnections() throws Exception {
        try (ServerProcess server = ServerProcess.start("pg-password-fresh", env(fresh)).awaitHealthy(Duration.ofSeconds(120))) {
            assertLocked(server, fresh);
            assertThat(server.stop()).isZero();
        }
    }

    @Test
    void aDataDirectoryThatTrustedEveryoneIsUpgradedOnItsNextStart() throws Exception {
        // what today's Griddle leaves behind: zonky's initdb (-A trust), no password file
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(legacy.resolve("postgres")).setCleanDataDirectory(false).start();
                Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + old.getPort() + "/postgres", "postgres", null)) {
            c.createStatement().execute("create database before_upgrade");
        }
        assertThat(rules(legacy)).anyMatch(l -> l.endsWith("trust"));
        assertThat(legacy.resolve("postgres.password")).doesNotExist();

        try (ServerProcess server = ServerProcess.start("pg-password-upgrade", env(legacy)).awaitHealthy(Duration.ofSeconds(120))) {
            assertThat(server.logText()).contains("trusts local connections (made by an older Griddle): setting a password");
            assertLocked(server, legacy);
            String password = Files.readString(legacy.resolve("postgres.password")).strip();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port(legacy) + "/before_upgrade", "postgres",
                    password); var rs = c.createStatement().executeQuery("select current_database()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("what the old data directory held is still there").isEqualTo("before_upgrade");
            }
            assertThat(server.stop()).isZero();
        }
        // and the upgraded directory starts again as it is
        try (ServerProcess again = ServerProcess.start("pg-password-again", env(legacy)).awaitHealthy(Duration.ofSeconds(60))) {
            assertThat(again.logText()).doesNotContain("trusts local connections");
            assertLocked(again, legacy);
            assertThat(again.stop()).isZero();
        }
    }

    private static Map<String, String> env(Path dataDir) {
        return Map.of("GRIDDLE_DATA_DIR", dataDir.toString(), "GRIDDLE_BOOTSTRAP_ADMIN_KEY", KEY);
    }

    private static void assertLocked(ServerProcess server, Path dataDir) throws Exception {
        GriddleClient client = GriddleClient.builder(server.baseUrl()).apiKey(KEY).build();
        assertThat(client.projects().create("works-" + java.util.UUID.randomUUID(), null).name()).as("Griddle itself connects").startsWith("works-");
        int port = port(dataDir);
        for (String host : List.of("127.0.0.1", "localhost")) {
            SQLException refused = catchThrowableOfType(SQLException.class,
                    () -> DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", "postgres", null).close());
            assertThat((Throwable) refused).as("a passwordless connection to %s:%s", host, port).isNotNull();
            assertThat(refused.getMessage()).containsAnyOf("password", "authentication");
            SQLException wrong = catchThrowableOfType(SQLException.class,
                    () -> DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", "postgres", "guess").close());
            assertThat((Throwable) wrong).as("a wrong password").isNotNull();
        }
        Path file = dataDir.resolve("postgres.password");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file, StandardCharsets.UTF_8).strip()).hasSizeGreaterThan(30);
        assertThat(rules(dataDir)).isNotEmpty().noneMatch(l -> l.contains("trust")).allMatch(l -> l.endsWith("scram-sha-256"));
    }

    /** The lines of pg_hba.conf that are rules, not comments. */
    private static List<String> rules(Path dataDir) throws Exception {
        return Files.readAllLines(dataDir.resolve("postgres/pg_hba.conf")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** The embedded server's port: line 4 of postmaster.pid. */
    private static int port(Path dataDir) throws Exception {
        return Integer.parseInt(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"), StandardCharsets.UTF_8).get(3).trim());
    }
}

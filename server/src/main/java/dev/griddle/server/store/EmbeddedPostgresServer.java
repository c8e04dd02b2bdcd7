package dev.griddle.server.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL that Griddle starts itself when no {@code GRIDDLE_DATABASE_URL} is given: real
 * PostgreSQL binaries shipped in a Maven artifact, data kept under {@code <data dir>/postgres}.
 *
 * <p>It listens on a loopback port any local process (and, through a careless integration URL, any
 * tenant) could reach, and its {@code postgres} user is a superuser: so it takes a password,
 * generated on first start and kept owner-only in {@code <data dir>/postgres.password}, with
 * {@code scram-sha-256} for local and host connections. A data directory made by an older Griddle
 * (trust authentication, no password) is upgraded on its next start: the password is set while
 * trust still lets Griddle in, then {@code pg_hba.conf} is rewritten and reloaded.
 */
final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    static final String USER = "postgres";
    static final String PASSWORD_FILE = "postgres.password";

    /** Password authentication for every connection; written over a data directory that trusted everyone. */
    static final String PG_HBA = """
            # written by Griddle: every connection needs the password in <data dir>/postgres.password
            local   all   all                 scram-sha-256
            host    all   all   127.0.0.1/32  scram-sha-256
            host    all   all   ::1/128       scram-sha-256
            """;

    private final DataDirLock lock;
    private final EmbeddedPostgres postgres;
    private final String password;

    private EmbeddedPostgresServer(DataDirLock lock, EmbeddedPostgres postgres, String password) {
        this.lock = lock;
        this.postgres = postgres;
        this.password = password;
    }

    static EmbeddedPostgresServer start(Path dataDir) {
        DataDirLock lock = DataDirLock.acquire(dataDir);
        try {
            Path pgData = dataDir.resolve("postgres");
            stopOrphan(pgData);
            Path passwordFile = dataDir.resolve(PASSWORD_FILE);
            String password = password(passwordFile);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "on")
                    // initdb of a new data directory: the password from the start (these come after zonky's own -A trust)
                    .setLocaleConfig("auth", "scram-sha-256")
                    .setLocaleConfig("pwfile", passwordFile.toAbsolutePath().toString())
                    .setConnectConfig("password", password)
                    .start();
            try {
                requirePassword(postgres, pgData, password);
            } catch (IOException | SQLException | RuntimeException e) {
                postgres.close();
                throw e;
            }
            log.info("Embedded PostgreSQL started on port {} with data in {}", postgres.getPort(), pgData.toAbsolutePath());
            return new EmbeddedPostgresServer(lock, postgres, password);
        } catch (IOException | SQLException | RuntimeException e) {
            try {
                lock.close();
            } catch (IOException ignored) {
                // the lock goes with the process anyway
            }
            throw new IllegalStateException("Cannot start the embedded PostgreSQL in " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A Griddle killed by SIGKILL leaves its PostgreSQL running. We hold the data-dir lock, so no
     * live Griddle owns that server: stop it before starting our own over the same files.
     */
    private static void stopOrphan(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        Optional<ProcessHandle> orphan = lines.isEmpty() ? Optional.empty()
                : ProcessHandle.of(Long.parseLong(lines.getFirst().trim())).filter(ProcessHandle::isAlive)
                        .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(true));
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle process = orphan.get();
        log.warn("Stopping an orphaned embedded PostgreSQL (pid {}) left by a Griddle process that died", process.pid());
        process.destroy();
        try {
            process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    String user() {
        return USER;
    }

    String password() {
        return password;
    }

    /** The password in {@code file}, or a new random one written there owner-only (0600) before anything uses it. */
    static String password(Path file) throws IOException {
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (stored.isEmpty()) {
                throw new IOException(file.toAbsolutePath() + " is empty; delete it only together with the data directory");
            }
            return stored;
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(partial);
        try {
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(partial);
        }
        Files.writeString(partial, password + "\n", StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        return password;
    }

    /**
     * Makes sure the server asks for the password: a data directory whose {@code pg_hba.conf}
     * still trusts connections (made by an older Griddle, or an upgrade that stopped half-way) gets
     * the password set on {@code postgres} (trust still lets us in), then the new rules, reloaded.
     */
    private static void requirePassword(EmbeddedPostgres postgres, Path pgData, String password) throws IOException, SQLException {
        Path hba = pgData.resolve("pg_hba.conf");
        boolean trusts = Files.readAllLines(hba, StandardCharsets.UTF_8).stream().map(String::strip)
                .anyMatch(l -> !l.startsWith("#") && l.matches(".*\\s(trust|password|md5)\\s*$"));
        if (!trusts) {
            return;
        }
        log.warn("The embedded PostgreSQL in {} trusts local connections (made by an older Griddle): setting a password and requiring it",
                pgData.toAbsolutePath());
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres", USER, password);
                Statement st = c.createStatement()) {
            st.execute("set password_encryption = 'scram-sha-256'");
            st.execute("alter role " + USER + " password '" + password.replace("'", "''") + "'");
            Files.writeString(hba, PG_HBA, StandardCharsets.UTF_8);
            st.execute("select pg_reload_conf()");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            lock.close();
        }
    }
}

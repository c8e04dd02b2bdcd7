package dev.griddle.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.Project;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database across process lifetimes: one owner per data directory, data kept over a
 * graceful restart and over a crash that leaves the embedded PostgreSQL behind. One scenario, so the
 * (slow) process starts are shared between its assertions.
 */
class DataDirIT {

    private static final String KEY = "grd_live_DataDirItBootstrapKey000000000000";
    /** The first start runs initdb; later ones reuse the data. */
    private static final Duration FIRST_START = Duration.ofSeconds(120);
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @Test
    void oneOwnerPerDataDirAndDataSurvivesRestartsAndCrashes() throws Exception {
        Map<String, String> env = Map.of("GRIDDLE_DATA_DIR", dataDir.toString(), "GRIDDLE_BOOTSTRAP_ADMIN_KEY", KEY);
        Project project;
        try (ServerProcess first = ServerProcess.start("datadir-first", env).awaitHealthy(FIRST_START)) {
            try (ServerProcess second = ServerProcess.start("datadir-second", env)) {
                int exit = second.awaitExit(Duration.ofSeconds(60));
                assertThat(exit).as("exit code of a second server on the same data dir").isNotZero();
                assertThat(second.logText()).contains("The data directory " + dataDir.toAbsolutePath() + " is in use by another Griddle process")
                        .contains("pid " + first.pid());
            }
            assertThat(first.healthy()).as("the first server after the second gave up").isTrue();

            project = client(first).projects().create("kept-across-restarts", "survives stop, start and SIGKILL");
            assertThat(first.stop()).as("exit code after SIGTERM").isZero();
        }

        long orphanedPostgres;
        try (ServerProcess restarted = ServerProcess.start("datadir-restarted", env).awaitHealthy(START)) {
            assertThat(client(restarted).projects().get(project.id()).name()).isEqualTo("kept-across-restarts");
            restarted.sigkill();
            orphanedPostgres = postmasterPid();
            assertThat(ProcessHandle.of(orphanedPostgres).map(ProcessHandle::isAlive))
                    .as("the embedded PostgreSQL outlives a SIGKILLed server").contains(true);

            try (ServerProcess recovered = ServerProcess.start("datadir-recovered", env).awaitHealthy(START)) {
                assertThat(recovered.logText()).contains("Stopping an orphaned embedded PostgreSQL (pid " + orphanedPostgres + ")");
                assertThat(ProcessHandle.of(orphanedPostgres).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
                assertThat(client(recovered).projects().get(project.id()).description()).isEqualTo("survives stop, start and SIGKILL");
                assertThat(recovered.stop()).isZero();
            }
        }
    }

    private long postmasterPid() throws java.io.IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"), StandardCharsets.UTF_8).getFirst().trim());
    }

    private static GriddleClient client(ServerProcess server) {
        return GriddleClient.builder(server.baseUrl()).apiKey(KEY).build();
    }
}

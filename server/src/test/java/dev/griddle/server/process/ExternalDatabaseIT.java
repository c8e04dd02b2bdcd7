package dev.griddle.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.Project;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code GRIDDLE_DATABASE_URL} the server starts no PostgreSQL of its own, and two servers on
 * one database are two nodes of one installation.
 */
class ExternalDatabaseIT {

    private static final String KEY = "grd_live_ExternalDbItBootstrapKey000000000";

    @TempDir
    Path dataDir;

    @Test
    void twoNodesShareTheExternalDatabase() {
        Map<String, String> env = Map.of("GRIDDLE_DATABASE_URL", TestDatabase.another(), "GRIDDLE_DATA_DIR", dataDir.toString(),
                "GRIDDLE_BOOTSTRAP_ADMIN_KEY", KEY);
        try (ServerProcess a = ServerProcess.start("external-a", env); ServerProcess b = ServerProcess.start("external-b", env)) {
            a.awaitHealthy(Duration.ofSeconds(90));
            b.awaitHealthy(Duration.ofSeconds(90));

            RawResponse ready = GriddleClient.builder(a.baseUrl()).build().raw("GET", "/readyz", null, Map.of());
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.body()).contains("\"database\":\"up\"");
            assertThat(Files.exists(dataDir.resolve("postgres"))).as("an embedded database directory").isFalse();
            assertThat(a.descendants()).as("child processes of a server on an external database").isEmpty();
            assertThat(a.logText()).as("the packaged jar's resolver provider is loaded")
                    .containsPattern("Outbound guard installed in the JVM resolver; hosts of the server's own configuration pass: \\[.*127\\.0\\.0\\.1");

            Project project = client(a).projects().create("seen-by-both-nodes", null);
            assertThat(client(b).projects().get(project.id()).name()).isEqualTo("seen-by-both-nodes");

            assertThat(a.stop()).isZero();
            assertThat(b.healthy()).as("node b after node a stopped").isTrue();
            assertThat(b.stop()).isZero();
        }
    }

    private static GriddleClient client(ServerProcess server) {
        return GriddleClient.builder(server.baseUrl()).apiKey(KEY).build();
    }
}

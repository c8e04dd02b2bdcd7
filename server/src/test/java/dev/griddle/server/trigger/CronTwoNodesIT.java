package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.TriggerModels.Fire;
import dev.griddle.sdk.TriggerModels.Trigger;
import dev.griddle.sdk.TriggerModels.TriggerInput;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.process.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two server processes on one database, both running the scheduler loop (polling every 50 ms, so
 * they race for every instant): each scheduled instant starts exactly one run. The instants are
 * made due by moving {@code next_fire_at} (as downtime would), then one real minute boundary.
 */
class CronTwoNodesIT {

    private static final String KEY = "grd_live_CronTwoNodesKey000000000000000000";
    private static final int ROUNDS = 10;

    private static Map<String, String> env(String database, Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("GRIDDLE_DATABASE_URL", database);
        env.put("GRIDDLE_DATA_DIR", dataDir.toString());
        env.put("GRIDDLE_BOOTSTRAP_ADMIN_KEY", KEY);
        env.put("GRIDDLE_MASTER_KEY", "cron-two-nodes-master-key");
        env.put("GRIDDLE_TRIGGERS_POLL_INTERVAL", "50ms");
        return env;
    }

    @Test
    void eachScheduledInstantStartsExactlyOneRun() throws Exception {
        String database = TestDatabase.another();
        Path dataDir = Files.createTempDirectory("cron-two-nodes");
        try (ServerProcess a = ServerProcess.start("cron-a", env(database, dataDir.resolve("a")));
                ServerProcess b = ServerProcess.start("cron-b", env(database, dataDir.resolve("b")));
                Connection db = DriverManager.getConnection(database)) {
            a.awaitHealthy(Duration.ofSeconds(120));
            b.awaitHealthy(Duration.ofSeconds(120));
            GriddleClient c = GriddleClient.builder(a.baseUrl()).apiKey(KEY).build();
            UUID runner = c.runners().createYaml("name: ticker\nsteps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
            Trigger trigger = c.triggers().create(runner, TriggerInput.cron("* * * * *", "UTC", "allow"));

            for (int i = 1; i <= ROUNDS; i++) {
                Instant due = Instant.now().minusMillis(1).truncatedTo(ChronoUnit.MILLIS);
                try (PreparedStatement s = db.prepareStatement("update triggers set next_fire_at = ? where id = ?")) {
                    s.setTimestamp(1, Timestamp.from(due));
                    s.setObject(2, trigger.id());
                    s.executeUpdate();
                }
                int expected = i;
                await().atMost(Duration.ofSeconds(10)).until(() -> fires(c, trigger.id()).size() >= expected);
                Thread.sleep(200); // both nodes have polled several times since: a double fire would show
            }
            // a real minute boundary may have passed during the forced rounds and fired too: count what is there
            int before = fires(c, trigger.id()).size();
            // one real minute boundary: next_fire_at is now the next whole minute
            Instant minute = c.triggers().get(trigger.id()).nextFireAt();
            assertThat(minute).isEqualTo(minute.truncatedTo(ChronoUnit.MINUTES));
            await().atMost(Duration.ofSeconds(75)).until(() -> fires(c, trigger.id()).stream().anyMatch(f -> f.scheduledAt().equals(minute)));
            Thread.sleep(1_000);

            List<Fire> fires = fires(c, trigger.id());
            assertThat(before).isBetween(ROUNDS, ROUNDS + 1);
            assertThat(fires).hasSize(before + 1);
            assertThat(fires).allMatch(f -> !f.skipped() && f.runId() != null && f.missed() == 0);
            Set<Instant> instants = fires.stream().map(Fire::scheduledAt).collect(Collectors.toSet());
            assertThat(instants).hasSize(before + 1).contains(minute);
            List<Run> runs = c.runs().list("trigger_type=cron", PageRequest.of(1, 100)).data();
            assertThat(runs).hasSize(before + 1);
            assertThat(runs.stream().map(Run::id).collect(Collectors.toSet()))
                    .isEqualTo(fires.stream().map(Fire::runId).collect(Collectors.toSet()));
            Fire real = fires.stream().filter(f -> f.scheduledAt().equals(minute)).findFirst().orElseThrow();
            System.out.println("cron jitter at a real minute boundary: " + Duration.between(real.scheduledAt(), real.firedAt()).toMillis() + " ms");
            assertThat(a.logText()).doesNotContain("ERROR");
            assertThat(b.logText()).doesNotContain("ERROR");
        }
    }

    private static List<Fire> fires(GriddleClient c, UUID trigger) {
        return c.triggers().fires(trigger, PageRequest.of(1, 100)).data();
    }
}

package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunModels.CompleteApproval;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.server.GriddleApplication;
import dev.griddle.server.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Runs in flight on the V19 schema finish after the upgrade. A fresh database is migrated only to
 * V19 and given, by {@code upgrade/v19-in-flight.sql}, exactly the rows the V19 engine wrote for
 * an approval waiting, a timer pending, an http step leased to a node that is gone, and a
 * {@code for_each} half done, with connection links in the V19 shape. Then this server starts on
 * it (migrating to the latest version) and the runs are driven to their end over the API.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = GriddleApplication.class,
        properties = "griddle.outbound-allow=127.0.0.1")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class UpgradeTest {

    private static final String ORG_KEY = "grd_live_UpgradeTestOrgAdminKey000000000000000";
    private static final UUID APPROVAL_RUN = id(21);
    private static final UUID TIMER_RUN = id(22);
    private static final UUID LEASED_RUN = id(23);
    private static final UUID FOR_EACH_RUN = id(24);

    private static EchoServer echo;
    private static String database;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("griddle.database-url", UpgradeTest::v19DatabaseWithRunsInFlight);
        registry.add("griddle.engine.drain-timeout", () -> "1s");
        registry.add("griddle.database-pool-size", () -> "6");
        registry.add("griddle.engine.concurrency", () -> "4");
        registry.add("griddle.engine.reap-interval", () -> "500");
    }

    @AfterAll
    static void closeEcho() {
        echo.close();
    }

    @Test
    void runsInFlightOnV19FinishAfterTheMigration() throws SQLException {
        GriddleClient c = GriddleClient.builder("http://127.0.0.1:" + port).apiKey(ORG_KEY).build();

        // the approval's timeout task, queued on V19, was given its run's runner version by the migration
        assertThat(count("select count(*) from tasks where id = '" + id(41) + "' and runner_id = '" + id(11) + "' and runner_version = 1"))
                .isEqualTo(1);
        assertThat(c.runs().get(APPROVAL_RUN).status()).isEqualTo("waiting");
        UUID approval = c.approvals().forRun(APPROVAL_RUN, PageRequest.first()).data().getFirst().id();
        c.approvals().complete(approval, new CompleteApproval(true, "after the upgrade", null));
        Run done = c.runs().await(APPROVAL_RUN, Duration.ofSeconds(30));
        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("succeeded");
        assertThat(steps(c, done).get("after").output()).isEqualTo(parse("true"));

        Run woke = c.runs().await(TIMER_RUN, Duration.ofSeconds(30));
        assertThat(woke.status()).as(String.valueOf(woke.error())).isEqualTo("succeeded");
        assertThat(steps(c, woke).get("after").output()).isEqualTo(parse("\"woke\""));

        Run reaped = c.runs().await(LEASED_RUN, Duration.ofSeconds(30));
        assertThat(reaped.status()).as(String.valueOf(reaped.error())).isEqualTo("succeeded");
        assertThat(steps(c, reaped).get("after").output()).isEqualTo(parse("200"));
        assertThat(echo.count("/echo/call")).isEqualTo(1);

        Run items = c.runs().await(FOR_EACH_RUN, Duration.ofSeconds(30));
        assertThat(items.status()).as(String.valueOf(items.error())).isEqualTo("succeeded");
        assertThat(steps(c, items).get("paths").output()).isEqualTo(parse("[\"/echo/0\", \"/echo/1\", \"/echo/2\", \"/echo/3\"]"));
        assertThat(echo.count("/echo/0")).as("the item done on V19 is kept, not run again").isZero();
        assertThat(echo.count("/echo/1") + echo.count("/echo/2") + echo.count("/echo/3")).isEqualTo(3);
    }

    @Test
    void connectionLinksAreMigratedToTheirOwnersAndOrphansDropped() throws SQLException {
        GriddleClient c = GriddleClient.builder("http://127.0.0.1:" + port).apiKey(ORG_KEY).build();

        assertThat(c.tools().attached(Owner.runner(id(13)))).singleElement()
                .satisfies(t -> assertThat(t.name()).isEqualTo("lookup")).satisfies(t -> assertThat(t.allowed()).isTrue());
        assertThat(c.tools().attached(Owner.agent(id(51)))).singleElement().satisfies(t -> assertThat(t.allowed()).isFalse());
        assertThat(c.tools().web(Owner.agent(id(51))).enabled()).isTrue();
        assertThat(c.tools().web(Owner.agent(id(51))).searchEnabled()).isFalse();
        JsonNode plan = RunnerFixtures.JSON.readTree(c.raw("GET", "/api/v1/runners/" + id(11) + "/plan", null, Map.of()).body());
        assertThat(plan.path("enabled").asBoolean()).isTrue();
        assertThat(plan.path("remind_on_turn_end").asBoolean()).isFalse();
        JsonNode skills = RunnerFixtures.JSON.readTree(c.raw("GET", "/api/v1/runners/" + id(14) + "/skills", null, Map.of()).body());
        assertThat(skills.path("data")).singleElement().satisfies(s -> assertThat(s.path("skill_id").asString()).isEqualTo(id(71).toString()));

        // the links and the budget of owners deleted before the upgrade are gone; the others carry their owner's column
        assertThat(count("select count(*) from connection_tools")).isEqualTo(2);
        assertThat(count("select count(*) from connection_settings")).isEqualTo(2);
        assertThat(count("select count(*) from connection_attachments")).isEqualTo(1);
        assertThat(count("select count(*) from connection_tools where runner_id = '" + id(13) + "' or agent_id = '" + id(51) + "'")).isEqualTo(2);
        assertThat(count("select count(*) from runner_budgets")).isEqualTo(1);
    }

    private static Map<String, StepRun> steps(GriddleClient c, Run run) {
        return c.runs().steps(run.id()).stream().collect(Collectors.toMap(StepRun::stepId, Function.identity()));
    }

    private static long count(String sql) throws SQLException {
        try (Connection db = DriverManager.getConnection(database); Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A database of its own at V19 with the fixture loaded (once: the property is read more than once). */
    private static synchronized String v19DatabaseWithRunsInFlight() {
        if (database != null) {
            return database;
        }
        try {
            echo = new EchoServer();
            String url = TestDatabase.another();
            Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("19").load().migrate();
            String fixture;
            try (InputStream in = UpgradeTest.class.getResourceAsStream("/upgrade/v19-in-flight.sql")) {
                fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${echo}", echo.url(""));
            }
            try (Connection db = DriverManager.getConnection(url); Statement s = db.createStatement()) {
                s.execute(fixture);
            }
            database = url;
            return url;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load the V19 fixture: " + e.getMessage(), e);
        }
    }

    private static UUID id(int n) {
        return UUID.fromString("a0000000-0000-4000-8000-%012d".formatted(n));
    }
}

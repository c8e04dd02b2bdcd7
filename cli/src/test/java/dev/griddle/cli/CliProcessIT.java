package dev.griddle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.cli.process.CliProcess;
import dev.griddle.cli.process.CliProcess.Result;
import dev.griddle.cli.process.ServerProcess;
import dev.griddle.sdk.GriddleClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged CLI jar as a process against the packaged server jar: a bundle applied, runs
 * started and awaited, every exit code, approvals, a followed event stream, keys. The key and URL
 * come from a profile in a config file under a temporary {@code XDG_CONFIG_HOME}.
 */
class CliProcessIT {

    static final String BOOTSTRAP = "grd_live_CliProcessItBootstrapKey000000000";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration EXIT = Duration.ofSeconds(60);

    static final String BUNDLE = """
            runners:
              - name: cli-greet
                input_schema: {type: object, required: [who], properties: {who: {type: string}}}
                steps:
                  - {id: hello, type: transform, with: {value: "Hello, {{ input.who }}"}}
                output: {greeting: "{{ steps.hello.output }}"}
              - name: cli-fails
                steps:
                  - {id: call, type: http, with: {method: GET, url: "http://127.0.0.1:9/"}, retry: {max_attempts: 1}}
              - name: cli-approve
                steps:
                  - {id: ok, type: approval, with: {message: "ship it?", timeout_ms: 3600000}}
                  - {id: done, type: transform, needs: [ok], with: {value: "{{ steps.ok.output.approved }}"}}
                output: {approved: "{{ steps.done.output }}"}
              - name: cli-double
                steps:
                  - {id: twice, type: transform, with: {value: "{{ input.n * 2 }}"}}
                output: {doubled: "{{ steps.twice.output }}"}
            """;

    static Path dir;
    static Path configHome;
    static ServerProcess server;
    static String adminKey;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("griddle-cli-it-");
        server = ServerProcess.start(dir.resolve("data"), BOOTSTRAP).awaitHealthy(Duration.ofSeconds(120));
        adminKey = GriddleClient.builder(server.baseUrl()).apiKey(BOOTSTRAP).build().organizations().create("cli-" + UUID.randomUUID()).adminKey();
        configHome = dir.resolve("config");
        Files.createDirectories(configHome.resolve("griddle"));
        Files.writeString(configHome.resolve("griddle/config.yaml"), """
                default_profile: it
                profiles:
                  it: {url: "%s", key: "%s"}
                """.formatted(server.baseUrl(), adminKey));
        Path bundle = dir.resolve("bundle.yaml");
        Files.writeString(bundle, BUNDLE);
        Result dry = cli("apply", "-f", bundle.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.toString()).isZero();
        assertThat(dry.out()).containsPattern("created +runner +cli-greet");
        assertThat(dry.err()).contains("dry run: nothing was written");
        Result applied = cli("apply", "-f", bundle.toString());
        assertThat(applied.code()).as(applied.toString()).isZero();
        assertThat(applied.out()).containsPattern("created +runner +cli-approve +[0-9a-f-]{36}");
        assertThat(cli("apply", "-f", bundle.toString()).out()).containsPattern("unchanged +runner +cli-greet");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Result cli(String... args) {
        return CliProcess.start(configHome, Map.of(), args).await(EXIT);
    }

    @Test
    void runWaitSucceedsWithTheOutputAsTableAndJson() {
        Result table = cli("run", "cli-greet", "--input", "{\"who\": \"cli\"}", "--wait");
        assertThat(table.code()).as(table.toString()).isZero();
        assertThat(table.out()).containsPattern("status: +succeeded").contains("{\"greeting\":\"Hello, cli\"}");

        Result json = cli("run", "cli-greet", "--input", "{\"who\": \"json\"}", "--wait", "--timeout", "30s", "-o", "json");
        assertThat(json.code()).as(json.toString()).isZero();
        JsonNode run = JSON.readTree(json.out());
        assertThat(run.path("status").asString()).isEqualTo("succeeded");
        assertThat(run.path("output").path("greeting").asString()).isEqualTo("Hello, json");

        Result ls = cli("runners", "ls");
        assertThat(ls.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("NAME", "LATEST");
        assertThat(ls.out()).contains("cli-greet", "cli-fails", "cli-approve");
        Result runs = cli("runs", "ls", "--runner", "cli-greet", "-o", "json");
        assertThat(JSON.readTree(runs.out()).size()).as(runs.toString()).isGreaterThanOrEqualTo(2);
        Result workers = cli("workers", "ls");
        assertThat(workers.code()).as(workers.toString()).isZero();
        assertThat(workers.out()).startsWith("ID").contains("HEARTBEAT");
    }

    @Test
    void experimentRunExits1BelowFailUnderAnd0AtOrAboveIt() {
        GriddleClient admin = GriddleClient.builder(server.baseUrl()).apiKey(adminKey).build();
        UUID runner = admin.runners().list(dev.griddle.sdk.PageRequest.of(1, 100)).data().stream().filter(r -> r.name().equals("cli-double"))
                .findFirst().orElseThrow().id();
        admin.runners().publish(runner);
        // two of the three expected outputs are right: a pass rate of 2/3
        var dataset = admin.datasets().create(dev.griddle.sdk.ExperimentModels.CreateDataset.ofCases("cli-cases", runner, java.util.List.of(
                new dev.griddle.sdk.ExperimentModels.CaseInput(JSON.readTree("{\"n\": 1}"), JSON.readTree("{\"doubled\": 2}")),
                new dev.griddle.sdk.ExperimentModels.CaseInput(JSON.readTree("{\"n\": 2}"), JSON.readTree("{\"doubled\": 4}")),
                new dev.griddle.sdk.ExperimentModels.CaseInput(JSON.readTree("{\"n\": 3}"), JSON.readTree("{\"doubled\": 7}")))));
        Result below = cli("experiment", "run", "--dataset", dataset.id().toString(), "--runner", "cli-double", "--fail-under", "0.9");
        assertThat(below.code()).as(below.toString()).isEqualTo(1);
        assertThat(below.out()).containsPattern("pass_rate: +0.6667");
        assertThat(below.err()).contains("below --fail-under 0.9");
        Result above = cli("experiment", "run", "--dataset", dataset.id().toString(), "--runner", "cli-double", "--fail-under", "0.6", "-o", "json");
        assertThat(above.code()).as(above.toString()).isZero();
        assertThat(JSON.readTree(above.out()).path("summary").path("pass_rate").asDouble()).isEqualTo(0.6667);
    }

    @Test
    void aFailedRunExits1() {
        Result r = cli("run", "cli-fails", "--wait");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).containsPattern("status: +failed");
    }

    @Test
    void anUnknownRunnerExitsNonZeroNamingIt() {
        Result r = cli("run", "no-such-runner", "--wait");
        assertThat(r.code()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("no runner named 'no-such-runner'");
    }

    @Test
    void badUsageExits2() {
        Result r = cli("run");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter: 'NAME|ID'");
    }

    @Test
    void anApiErrorExits3WithCodeMessageAndRequestId() {
        Result r = cli("runs", "get", UUID.randomUUID().toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("error: 404 NOT_FOUND: ").containsPattern("request id: \\S{8,}");
        Result unauthenticated = CliProcess.start(configHome, Map.of(), "--key", "grd_live_NotAKeyAtAll000000000000", "runners", "ls").await(EXIT);
        assertThat(unauthenticated.code()).as(unauthenticated.toString()).isEqualTo(3);
        assertThat(unauthenticated.err()).contains("401 UNAUTHENTICATED");
    }

    @Test
    void aTimeoutOnAnApprovalExits4ThenApprovingEndsTheFollowedLogs() {
        Result waiting = cli("run", "cli-approve", "--wait", "--timeout", "2s", "-o", "json");
        assertThat(waiting.code()).as(waiting.toString()).isEqualTo(4);
        JsonNode run = JSON.readTree(waiting.out());
        assertThat(run.path("status").asString()).isEqualTo("waiting");
        assertThat(waiting.err()).contains("still waiting");
        String runId = run.path("id").asString();

        CliProcess follow = CliProcess.start(configHome, Map.of(), "logs", runId, "-f");
        Result pending = cli("approvals", "ls", "-o", "json");
        JsonNode approval = StreamSupport.stream(JSON.readTree(pending.out()).spliterator(), false)
                .filter(a -> a.path("run_id").asString().equals(runId)).findFirst().orElseThrow(() -> new AssertionError(pending));
        assertThat(follow.isAlive()).as("logs -f follows a run that has not ended").isTrue();

        Result approved = cli("approvals", "approve", approval.path("id").asString(), "--comment", "from the CLI");
        assertThat(approved.code()).as(approved.toString()).isZero();
        assertThat(approved.out()).containsPattern("status: +completed").containsPattern("approved: +true");

        Result logs = follow.await(EXIT);
        assertThat(logs.code()).as(logs.toString()).isZero();
        assertThat(logs.out()).contains("run_started", "approval_requested", "approval_completed").containsPattern("state_changed .*\"to\":\"succeeded\"");
        Result done = cli("runs", "get", runId, "-o", "json");
        assertThat(JSON.readTree(done.out()).path("output").path("approved").asBoolean()).isTrue();
        Result replay = cli("logs", runId, "-o", "json");
        assertThat(replay.out().lines().map(JSON::readTree).map(e -> e.path("type").asString())).contains("run_started", "approval_completed", "state_changed");
    }

    @Test
    void keysAreCreatedListedAndRevoked() {
        Result created = cli("keys", "create", "cli-viewer", "--role", "viewer", "-o", "json");
        assertThat(created.code()).as(created.toString()).isZero();
        JsonNode key = JSON.readTree(created.out());
        String secret = key.path("secret").asString();
        assertThat(secret).startsWith("grd_");
        assertThat(created.err()).contains("shown only this once");

        Result asViewer = CliProcess.start(configHome, Map.of("GRIDDLE_KEY", secret), "runners", "ls", "--profile", "it", "--key", secret).await(EXIT);
        assertThat(asViewer.code()).as(asViewer.toString()).isZero();
        Result viewerWrites = CliProcess.start(configHome, Map.of(), "--key", secret, "run", "cli-greet", "--input", "{\"who\": \"v\"}").await(EXIT);
        assertThat(viewerWrites.code()).as(viewerWrites.toString()).isEqualTo(3);
        assertThat(viewerWrites.err()).contains("403 FORBIDDEN");

        Result ls = cli("keys", "ls");
        assertThat(ls.out()).contains("cli-viewer", "viewer").doesNotContain(secret);

        Result revoked = cli("keys", "revoke", key.path("id").asString());
        assertThat(revoked.code()).as(revoked.toString()).isZero();
        assertThat(revoked.out()).contains("revoked " + key.path("id").asString());
        Result refused = CliProcess.start(configHome, Map.of("GRIDDLE_KEY", secret, "GRIDDLE_PROFILE", "it"), "--key", secret, "runners", "ls")
                .await(EXIT);
        assertThat(refused.code()).as(refused.toString()).isEqualTo(3);
        assertThat(refused.err()).contains("401");
    }
}

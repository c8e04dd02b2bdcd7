package dev.griddle.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Event;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.worker.process.ChildProcess;
import dev.griddle.worker.process.ServerProcess;
import dev.griddle.worker.process.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real worker processes (the packaged worker jar) against a real server process: shell tasks end
 * to end, routing, capacity, a worker SIGKILLed mid-task, a server restart under held leases, and
 * a SIGTERM drain.
 */
class WorkerProcessIT {

    static final String KEY = "grd_live_WorkerProcessItBootstrapKey000000";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Map<String, String> FAST = Map.of("GRIDDLE_ENGINE_TASK_LEASE", "3s", "GRIDDLE_ENGINE_REAP_INTERVAL", "500",
            "GRIDDLE_WORKER_HEARTBEAT_TIMEOUT", "15s");

    static Path dataDir;
    static ServerProcess server;
    final List<ChildProcess> children = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        dataDir = Files.createTempDirectory("griddle-worker-it-");
        server = ServerProcess.start("server", dataDir, ChildProcess.freePort(), KEY, FAST).awaitHealthy(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @org.junit.jupiter.api.AfterEach
    void stopChildren() {
        children.forEach(ChildProcess::close);
    }

    record Org(GriddleClient admin, String workerKey) {
    }

    static Org org(ServerProcess s) {
        GriddleClient root = GriddleClient.builder(s.baseUrl()).apiKey(KEY).build();
        GriddleClient admin = GriddleClient.builder(s.baseUrl()).apiKey(root.organizations().create("org-" + UUID.randomUUID()).adminKey())
                .build();
        return new Org(admin, admin.keys().create(CreateKey.of("w", "worker")).secret());
    }

    WorkerProcess worker(ServerProcess s, String name, String key, String labels, int max) {
        WorkerProcess w = WorkerProcess.start(name, s.baseUrl(), key, labels, max);
        children.add(w);
        return w;
    }

    static UUID runner(GriddleClient c, String steps) {
        return c.runners().createYaml("name: r-" + UUID.randomUUID() + "\n" + steps).id();
    }

    static UUID start(GriddleClient c, UUID runner, String input) {
        return c.runs().start(runner, StartRun.of(JSON.readTree(input))).id();
    }

    static JsonNode get(GriddleClient c, String path) {
        RawResponse r = c.raw("GET", path, null, Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static String workerId(GriddleClient c, String name) {
        await().atMost(Duration.ofSeconds(30)).until(() -> findWorker(c, name) != null);
        return findWorker(c, name).path("id").asString();
    }

    static JsonNode findWorker(GriddleClient c, String name) {
        for (JsonNode w : get(c, "/api/v1/workers?per_page=100").path("data")) {
            if (w.path("name").asString().equals(name)) {
                return w;
            }
        }
        return null;
    }

    static String shellSteps(String label) {
        return """
                steps:
                  - {id: sh, type: task, runs_on: [%s], with: {task_type: shell, input: {command: "{{ input.command }}", env: {GREETING: hello}}}}
                """.formatted(label);
    }

    @Test
    void shellTaskEndToEndAndIdleClaims() {
        Org o = org(server);
        worker(server, "shell-1", o.workerKey(), "linux", 2);
        UUID runner = runner(o.admin(), shellSteps("linux"));
        UUID ok = start(o.admin(), runner, "{\"command\": \"echo $GREETING from $(pwd); echo warn >&2\"}");
        Run run = o.admin().runs().await(ok, Duration.ofSeconds(60));
        assertThat(run.status()).as("%s", run.error()).isEqualTo("succeeded");
        JsonNode out = run.output().path("sh");
        assertThat(out.path("exit_code").asInt()).isZero();
        assertThat(out.path("stdout").asString()).startsWith("hello from /").contains("griddle-task-");
        assertThat(out.path("stderr").asString()).isEqualTo("warn\n");
        List<Event> logs = o.admin().runs().events(ok, null, 100).data().stream().filter(e -> e.type().equals("log")).toList();
        assertThat(logs).extracting(e -> e.data().path("line").asString()).contains("warn").anyMatch(l -> l.startsWith("hello from"));

        // the worker's own key (its GRIDDLE_WORKER_KEY) never reaches a task's command
        UUID probe = start(o.admin(), runner, "{\"command\": \"echo key=$GRIDDLE_WORKER_KEY path=${PATH:+set}\"}");
        Run probed = o.admin().runs().await(probe, Duration.ofSeconds(60));
        assertThat(probed.status()).as("%s", probed.error()).isEqualTo("succeeded");
        assertThat(probed.output().path("sh").path("stdout").asString()).isEqualTo("key= path=set\n");

        UUID bad = start(o.admin(), runner, "{\"command\": \"echo broken pipe >&2; exit 3\"}");
        Run failed = o.admin().runs().await(bad, Duration.ofSeconds(60));
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.error().toString()).contains("exit code 3").contains("broken pipe");

        // idle: a worker for a type nobody asks for gets 204 after its wait
        GriddleClient w = GriddleClient.builder(server.baseUrl()).apiKey(o.workerKey()).build();
        RawResponse reg = w.raw("POST", "/api/v1/workers", "{\"name\": \"idle\", \"task_types\": [\"nothing\"]}", Map.of());
        String id = JSON.readTree(reg.body()).path("id").asString();
        assertThat(w.raw("POST", "/api/v1/workers/" + id + "/claim", "{\"wait_ms\": 500}", Map.of()).status()).isEqualTo(204);
    }

    @Test
    void routesByLabelAndNeverExceedsCapacity() {
        Org o = org(server);
        worker(server, "gpu-1", o.workerKey(), "gpu", 1);
        worker(server, "cpu-1", o.workerKey(), "cpu", 4);
        UUID gpuRunner = runner(o.admin(), shellSteps("gpu"));
        List<UUID> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(start(o.admin(), gpuRunner, "{\"command\": \"sleep 0.7\"}"));
        }
        for (UUID id : runs) {
            assertThat(o.admin().runs().await(id, Duration.ofSeconds(60)).status()).isEqualTo("succeeded");
        }
        String gpu = workerId(o.admin(), "gpu-1");
        String cpu = workerId(o.admin(), "cpu-1");
        JsonNode done = get(o.admin(), "/api/v1/workers/" + gpu + "/tasks?status=completed").path("data");
        assertThat(done.size()).isEqualTo(3);
        assertThat(get(o.admin(), "/api/v1/workers/" + cpu + "/tasks").path("meta").path("total").asInt()).isZero();
        // max_concurrency 1: the three attempts never overlapped
        List<Instant[]> spans = new ArrayList<>();
        done.forEach(t -> spans.add(new Instant[] {Instant.parse(t.path("claimed_at").asString()), Instant.parse(t.path("finished_at").asString())}));
        spans.sort((a, b) -> a[0].compareTo(b[0]));
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i)[0]).as("claim %d after the previous finished", i).isAfterOrEqualTo(spans.get(i - 1)[1]);
        }
    }

    @Test
    void aKilledWorkersTaskRunsAgainElsewhereAndItsStaleReportIsRefused() {
        Org o = org(server);
        WorkerProcess doomed = worker(server, "doomed", o.workerKey(), "k", 1);
        UUID runner = runner(o.admin(), shellSteps("k"));
        UUID run = start(o.admin(), runner, "{\"command\": \"sleep 2; echo finished attempt\"}");
        String doomedId = workerId(o.admin(), "doomed");
        await().atMost(Duration.ofSeconds(30)).until(() -> get(o.admin(), "/api/v1/workers/" + doomedId).path("running_tasks").asInt() == 1);
        String taskId = get(o.admin(), "/api/v1/workers/" + doomedId + "/tasks").path("data").get(0).path("id").asString();
        doomed.sigkill();
        worker(server, "rescuer", o.workerKey(), "k", 1);
        Run finished = o.admin().runs().await(run, Duration.ofSeconds(60));
        assertThat(finished.status()).as("%s", finished.error()).isEqualTo("succeeded");
        String rescuerId = workerId(o.admin(), "rescuer");
        JsonNode rescued = get(o.admin(), "/api/v1/workers/" + rescuerId + "/tasks?status=completed").path("data").get(0);
        assertThat(rescued.path("attempt").asInt()).isEqualTo(2);
        assertThat(get(o.admin(), "/api/v1/workers/" + doomedId + "/tasks?status=lost").path("meta").path("total").asInt()).isEqualTo(1);
        assertThat(o.admin().runs().events(run, null, 200).data()).extracting(Event::type).contains("step_retrying");
        // the dead worker's completion, arriving late, changes nothing
        GriddleClient w = GriddleClient.builder(server.baseUrl()).apiKey(o.workerKey()).build();
        RawResponse stale = w.raw("POST", "/api/v1/tasks/" + taskId + "/complete", "{\"lease_token\": 1, \"output\": {\"stale\": true}}", Map.of());
        assertThat(stale.status()).isEqualTo(409);
        assertThat(o.admin().runs().get(run).output().path("sh").path("stale").isMissingNode()).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> get(o.admin(), "/api/v1/workers/" + doomedId).path("status").asString().equals("offline"));
    }

    @Test
    void sigtermDrainsRunningTasksBeforeExiting() {
        Org o = org(server);
        WorkerProcess w = worker(server, "drainer", o.workerKey(), "d", 2);
        UUID runner = runner(o.admin(), shellSteps("d"));
        UUID run = start(o.admin(), runner, "{\"command\": \"sleep 2; echo drained ok\"}");
        String id = workerId(o.admin(), "drainer");
        await().atMost(Duration.ofSeconds(30)).until(() -> get(o.admin(), "/api/v1/workers/" + id).path("running_tasks").asInt() == 1);
        w.terminate();
        await().atMost(Duration.ofSeconds(5)).until(() -> get(o.admin(), "/api/v1/workers/" + id).path("status").asString().equals("draining"));
        UUID late = start(o.admin(), runner, "{\"command\": \"echo never here\"}");
        assertThat(w.awaitExit(Duration.ofSeconds(30))).isZero();
        Run finished = o.admin().runs().get(run);
        assertThat(finished.status()).isEqualTo("succeeded");
        assertThat(finished.output().path("sh").path("stdout").asString()).isEqualTo("drained ok\n");
        // its task step waits for a worker to claim it: the run is waiting, not running (docs/runs.md, "Run status")
        assertThat(o.admin().runs().get(late).status()).as("a draining worker takes nothing new").isEqualTo("waiting");
        assertThat(get(o.admin(), "/api/v1/workers/" + id + "/tasks").path("meta").path("total").asInt()).isEqualTo(1);
    }

    @Test
    void serverRestartWhileWorkersHoldLeases() throws Exception {
        Path dir = Files.createTempDirectory("griddle-worker-restart-");
        int port = ChildProcess.freePort();
        Map<String, String> env = Map.of("GRIDDLE_ENGINE_TASK_LEASE", "60s");
        ServerProcess first = ServerProcess.start("restart-1", dir, port, KEY, env).awaitHealthy(Duration.ofSeconds(120));
        children.add(first);
        Org o = org(first);
        worker(first, "steady", o.workerKey(), "r", 2);
        UUID runner = runner(o.admin(), shellSteps("r"));
        UUID run = start(o.admin(), runner, "{\"command\": \"sleep 4; echo survived\"}");
        String id = workerId(o.admin(), "steady");
        await().atMost(Duration.ofSeconds(30)).until(() -> get(o.admin(), "/api/v1/workers/" + id).path("running_tasks").asInt() == 1);
        first.terminate();
        first.awaitExit(Duration.ofSeconds(60));
        ServerProcess second = ServerProcess.start("restart-2", dir, port, KEY, env).awaitHealthy(Duration.ofSeconds(120));
        children.add(second);
        Run finished = o.admin().runs().await(run, Duration.ofSeconds(90));
        assertThat(finished.status()).as("%s", finished.error()).isEqualTo("succeeded");
        assertThat(finished.output().path("sh").path("stdout").asString()).isEqualTo("survived\n");
        assertThat(o.admin().runs().steps(run).getFirst().attempt()).as("the lease held across the restart").isEqualTo(1);
    }
}

package dev.griddle.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.SessionModels.CreateSession;
import dev.griddle.sdk.SessionModels.ExecResult;
import dev.griddle.sdk.SessionModels.Pods;
import dev.griddle.sdk.SessionModels.Session;
import dev.griddle.sdk.SessionModels.SessionEvent;
import dev.griddle.sdk.SessionModels.SessionTemplateInfo;
import dev.griddle.worker.process.ChildProcess;
import dev.griddle.worker.process.ServerProcess;
import dev.griddle.worker.process.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue #17's "done when": the packaged server and the packaged worker jar with a templates file
 * whose command is a small script reading prompts on stdin and answering on stdout. A session
 * answers its initial prompt and a follow-up, runs an exec, moves files, shows in the host's pod
 * list, survives a server SIGKILL and restart, and is cancelled; a {@code session} step in a run waits for its session.
 */
class SessionProcessIT {

    static final String KEY = "grd_live_SessionProcessItBootstrapKey00000";
    static final JsonMapper JSON = JsonMapper.builder().build();
    final List<ChildProcess> children = new ArrayList<>();

    @AfterEach
    void stop() {
        children.reversed().forEach(ChildProcess::close);
    }

    static Path templates(Path dir) throws Exception {
        Path script = Path.of(SessionProcessIT.class.getResource("/sessions/echo-agent.sh").toURI());
        Path file = dir.resolve("templates.yaml");
        Files.writeString(file, """
                templates:
                  - name: echo-agent
                    command: ["/bin/bash", "%s"]
                    exec: true
                    idle_after_ms: 60000
                  - name: no-exec
                    command: ["/bin/bash", "%s"]
                """.formatted(script, script));
        return file;
    }

    static List<String> lines(GriddleClient c, UUID session) {
        List<String> out = new ArrayList<>();
        for (SessionEvent e : c.sessions().events(session, null, 1000).data()) {
            if (e.type().equals("output")) {
                out.add(e.data().path("line").asString());
            }
        }
        return out;
    }

    @Test
    void aSessionOnARealWorkerSurvivesAServerRestart() throws Exception {
        Path dir = Files.createTempDirectory("griddle-session-it-");
        int port = ChildProcess.freePort();
        Map<String, String> env = Map.of("GRIDDLE_WORKER_HEARTBEAT_TIMEOUT", "20s");
        ServerProcess first = ServerProcess.start("session-server-1", dir, port, KEY, env).awaitHealthy(Duration.ofSeconds(120));
        children.add(first);
        GriddleClient root = GriddleClient.builder(first.baseUrl()).apiKey(KEY).build();
        GriddleClient admin = GriddleClient.builder(first.baseUrl()).apiKey(root.organizations().create("org-" + UUID.randomUUID()).adminKey())
                .build();
        String workerKey = admin.keys().create(CreateKey.of("w", "worker")).secret();
        Path sessionDir = dir.resolve("pods");
        WorkerProcess worker = WorkerProcess.start("pod-host", first.baseUrl(), workerKey, "linux", 1,
                List.of("--session-templates", templates(dir).toString(), "--max-pods", "2", "--session-dir", sessionDir.toString()));
        children.add(worker);

        await().atMost(Duration.ofSeconds(30)).until(() -> !admin.sessions().templates(PageRequest.first()).data().isEmpty());
        List<SessionTemplateInfo> offered = admin.sessions().templates(PageRequest.first()).data();
        assertThat(offered).extracting(SessionTemplateInfo::name).containsExactly("echo-agent", "no-exec");
        assertThat(offered.getFirst().hosts()).singleElement().satisfies(h -> {
            assertThat(h.workerName()).isEqualTo("pod-host");
            assertThat(h.exec()).isTrue();
            assertThat(h.maxPods()).isEqualTo(2);
        });

        // created, placed, answers its initial prompt
        Session created = admin.sessions().create(CreateSession.of("echo-agent", "hello there"));
        assertThat(created.status()).isEqualTo("pending");
        UUID id = created.id();
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(admin, id).contains("answer: hello there"));
        Session running = admin.sessions().get(id);
        assertThat(running.status()).isEqualTo("running");
        assertThat(lines(admin, id).getFirst()).startsWith("echo-agent ready in ").endsWith(id.toString());

        // a follow-up message on stdin
        admin.sessions().message(id, "how are you");
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(admin, id).contains("answer: how are you"));
        assertThat(lines(admin, id)).containsSubsequence("answer: hello there", "answer: how are you");

        // exec in its working directory, and files in and out
        ExecResult exec = admin.sessions().exec(id, "pwd; echo made > made.txt; echo oops >&2; exit 3", 10_000);
        assertThat(exec.exitCode()).isEqualTo(3);
        assertThat(exec.stdout().trim()).isEqualTo(sessionDir.resolve(id.toString()).toString());
        assertThat(exec.stderr()).isEqualTo("oops\n");
        RawResponse made = admin.raw("GET", "/api/v1/sessions/" + id + "/files/made.txt", null, Map.of());
        assertThat(made.status()).isEqualTo(200);
        assertThat(made.body()).isEqualTo("made\n");
        admin.sessions().putFile(id, "in/put.txt", "from the api".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(sessionDir.resolve(id.toString()).resolve("in/put.txt"))).isEqualTo("from the api");
        assertThat(admin.raw("GET", "/api/v1/sessions/" + id + "/files/..%2F..%2Fetc%2Fpasswd", null, Map.of()).status()).isIn(400, 404, 422);
        assertThat(admin.raw("GET", "/api/v1/sessions/" + id + "/files/nothing.txt", null, Map.of()).status()).isEqualTo(404);

        // the timeline has the message and the exec result in order with the output
        List<String> types = admin.sessions().events(id, null, 1000).data().stream().map(SessionEvent::type).toList();
        assertThat(types).containsSubsequence("status", "output", "message", "output", "exec_result");

        // on the host's pod list (AgentsMesh's shape), and the worker counts it
        String workerId = JSON.readTree(admin.raw("GET", "/api/v1/workers", null, Map.of()).body()).path("data").get(0).path("id").asString();
        Pods pods = admin.sessions().pods(UUID.fromString(workerId), "running", 10, 0);
        assertThat(pods.total()).isEqualTo(1);
        assertThat(pods.pods()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo(id);
            assertThat(p.agentTypeId()).isEqualTo("echo-agent");
            assertThat(p.initialPrompt()).isEqualTo("hello there");
        });
        JsonNode host = JSON.readTree(admin.raw("GET", "/api/v1/workers/" + workerId, null, Map.of()).body());
        assertThat(host.path("pod_count").asInt()).isEqualTo(1);
        assertThat(host.path("max_pods").asInt()).isEqualTo(2);
        assertThat(admin.raw("GET", "/api/v1/workers/" + workerId + "/pods?limit=0", null, Map.of()).status()).isEqualTo(422);
        assertThat(admin.raw("GET", "/api/v1/workers/" + workerId + "/pods?offset=-1", null, Map.of()).status()).isEqualTo(422);

        // a template without exec refuses it
        Session noExec = admin.sessions().create(CreateSession.of("no-exec", "x"));
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(admin, noExec.id()).contains("answer: x"));
        assertThat(admin.raw("POST", "/api/v1/sessions/" + noExec.id() + "/exec", "{\"command\": \"id\"}", Map.of()).status()).isEqualTo(409);
        // both pod slots are taken: a third session waits
        Session third = admin.sessions().create(CreateSession.of("echo-agent", "later"));
        Thread.sleep(1500);
        assertThat(admin.sessions().get(third.id()).status()).isEqualTo("pending");

        // the server is SIGKILLed and restarted: the worker keeps its child and re-attaches
        long childPid = ProcessHandle.of(worker.pid()).orElseThrow().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("echo-agent.sh")).findFirst().orElseThrow().pid();
        first.sigkill();
        ServerProcess second = ServerProcess.start("session-server-2", dir, port, KEY, env).awaitHealthy(Duration.ofSeconds(120));
        children.add(second);
        assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive)).as("the child outlived the server").contains(true);
        admin.sessions().message(id, "still there?");
        await().atMost(Duration.ofSeconds(60)).until(() -> lines(admin, id).contains("answer: still there?"));
        // past the lease (20s): the worker renewed it, so nothing was lost
        Thread.sleep(22_000);
        assertThat(admin.sessions().get(id).status()).isEqualTo("running");

        // cancelled: the child ends and the slot frees, so the third session starts
        admin.sessions().cancel(noExec.id());
        Session cancelled = admin.sessions().cancel(id);
        assertThat(cancelled.status()).isEqualTo("running");
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.sessions().get(id).ended());
        Session ended = admin.sessions().get(id);
        assertThat(ended.status()).isEqualTo("terminated");
        assertThat(ended.reason()).isEqualTo("cancelled");
        await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false));
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(admin, third.id()).contains("answer: later"));
        assertThat(admin.raw("POST", "/api/v1/sessions/" + id + "/messages", "{\"content\": \"too late\"}", Map.of()).status()).isEqualTo(409);

        // archived: its workdir goes, the timeline stays
        admin.sessions().archive(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(sessionDir.resolve(id.toString())));
        assertThat(lines(admin, id)).contains("answer: hello there");
        try {
            admin.sessions().archive(third.id());
            throw new AssertionError("archiving a running session must be refused");
        } catch (GriddleApiException e) {
            assertThat(e.status()).isEqualTo(409);
        }

        // a session step in a run: starts a session, waits (no executor slot) until it exits, completes with its output and exit code
        UUID runner = admin.runners().createYaml("""
                name: session-step
                steps:
                  - {id: agent, type: session, with: {template: echo-agent, prompt: "bye"}}
                """).id();
        UUID run = admin.runs().start(runner, StartRun.of(JSON.readTree("{}"))).id();
        Run finished = admin.runs().await(run, Duration.ofSeconds(60));
        assertThat(finished.status()).as("%s", finished.error()).isEqualTo("succeeded");
        JsonNode step = finished.output().path("agent");
        assertThat(step.path("status").asString()).isEqualTo("terminated");
        assertThat(step.path("exit_code").asInt()).isZero();
        assertThat(step.path("output").asString()).endsWith("answer: bye");
        Session stepSession = admin.sessions().get(UUID.fromString(step.path("session_id").asString()));
        assertThat(stepSession.runId()).isEqualTo(run);

        // the worker stops (SIGTERM): it terminates its children first
        long thirdPid = ProcessHandle.of(worker.pid()).orElseThrow().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("echo-agent.sh")).findFirst().orElseThrow().pid();
        worker.terminate();
        worker.awaitExit(Duration.ofSeconds(40));
        assertThat(ProcessHandle.of(thirdPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.sessions().get(third.id()).ended());
        assertThat(admin.sessions().get(third.id()).reason()).isEqualTo("worker_stopped");
    }

    /**
     * A worker host SIGKILLed (no chance to end its children or report): its sessions fail with
     * reason {@code host_lost} once their lease, the heartbeat timeout (3 s here), runs out.
     */
    @Test
    void aKilledWorkersSessionsFailHostLostAfterTheHeartbeatTimeout() throws Exception {
        Path dir = Files.createTempDirectory("griddle-session-lost-");
        int port = ChildProcess.freePort();
        ServerProcess server = ServerProcess.start("session-lost-server", dir, port, KEY, Map.of("GRIDDLE_WORKER_HEARTBEAT_TIMEOUT", "3s"))
                .awaitHealthy(Duration.ofSeconds(120));
        children.add(server);
        GriddleClient root = GriddleClient.builder(server.baseUrl()).apiKey(KEY).build();
        GriddleClient admin = GriddleClient.builder(server.baseUrl()).apiKey(root.organizations().create("org-" + UUID.randomUUID()).adminKey())
                .build();
        WorkerProcess worker = WorkerProcess.start("doomed-host", server.baseUrl(), admin.keys().create(CreateKey.of("w", "worker")).secret(),
                "linux", 1, List.of("--session-templates", templates(dir).toString(), "--max-pods", "1", "--session-dir",
                        dir.resolve("pods").toString()));
        children.add(worker);
        await().atMost(Duration.ofSeconds(30)).until(() -> !admin.sessions().templates(PageRequest.first()).data().isEmpty());
        UUID id = admin.sessions().create(CreateSession.of("echo-agent", "are you there")).id();
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(admin, id).contains("answer: are you there"));
        List<ProcessHandle> agents = ProcessHandle.of(worker.pid()).orElseThrow().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("echo-agent.sh")).toList();
        try {
            worker.sigkill();
            worker.awaitExit(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.sessions().get(id).ended());
            Session lost = admin.sessions().get(id);
            assertThat(lost.status()).isEqualTo("failed");
            assertThat(lost.reason()).isEqualTo("host_lost");
            List<String> statuses = admin.sessions().events(id, null, 1000).data().stream().filter(e -> e.type().equals("status"))
                    .map(e -> e.data().path("status").asString()).toList();
            assertThat(statuses).containsExactly("pending", "starting", "running", "failed");
        } finally {
            agents.forEach(ProcessHandle::destroyForcibly); // orphans of the killed worker
        }
    }
}

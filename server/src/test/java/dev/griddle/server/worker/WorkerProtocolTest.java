package dev.griddle.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.Page;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Event;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.sdk.WorkerModels.WorkerInfo;
import dev.griddle.sdk.WorkerModels.WorkerTask;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The worker protocol over raw HTTP: registry, claiming, routing, capacity, reports, fencing, tenancy, roles, bad input. */
class WorkerProtocolTest extends ApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** An organization with an admin client and a worker key. */
    record Org(GriddleClient admin, GriddleClient worker) {
    }

    Org org() {
        GriddleClient admin = newOrg();
        return new Org(admin, client(admin.keys().create(CreateKey.of("w", "worker")).secret()));
    }

    static RawResponse post(GriddleClient c, String path, String body) {
        return c.raw("POST", path, body, Map.of("Content-Type", "application/json"));
    }

    static RawResponse get(GriddleClient c, String path) {
        return c.raw("GET", path, null, Map.of());
    }

    static JsonNode register(GriddleClient c, String name, String labels, String types, int max) {
        RawResponse r = post(c, "/api/v1/workers", """
                {"name": "%s", "version": "1.0", "os": "linux", "arch": "amd64", "labels": %s, "task_types": %s, "max_concurrency": %d}
                """.formatted(name, labels, types, max));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
        return json(r);
    }

    static UUID start(GriddleClient c, String yamlSteps, String input) {
        UUID runner = c.runners().createYaml("name: r-" + UUID.randomUUID() + "\n" + yamlSteps).id();
        return c.runs().start(runner, StartRun.of(input == null ? null : JSON.readTree(input))).id();
    }

    static final String RESIZE = """
            steps:
              - {id: resize, type: task, runs_on: [gpu], with: {task_type: resize, input: {n: "{{ input.n }}"}}}
            """;

    static JsonNode claimOne(GriddleClient worker, String workerId) {
        RawResponse r = post(worker, "/api/v1/workers/" + workerId + "/claim", "{\"max\": 1, \"wait_ms\": 5000}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return json(r).path("data").get(0);
    }

    @Test
    void registeringTwiceIsTheSameWorker() {
        Org o = org();
        RawResponse first = post(o.worker(), "/api/v1/workers",
                "{\"name\": \"box-1\", \"labels\": [\"gpu\"], \"task_types\": [\"resize\"], \"max_concurrency\": 2}");
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Location")).hasValueSatisfying(l -> assertThat(l).endsWith(json(first).path("id").asString()));
        JsonNode w = json(first);
        assertThat(w.path("status").asString()).isEqualTo("online");
        assertThat(w.path("running_tasks").asInt()).isZero();
        assertThat(w.path("max_concurrency").asInt()).isEqualTo(2);
        assertThat(w.path("last_heartbeat_at").asString()).isNotBlank();
        RawResponse again = post(o.worker(), "/api/v1/workers", "{\"name\": \"box-1\", \"labels\": [\"cpu\"], \"task_types\": [\"x\"], \"max_concurrency\": 3}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(json(again).path("id").asString()).isEqualTo(w.path("id").asString());
        assertThat(json(again).path("labels").get(0).asString()).isEqualTo("cpu");
        Page<WorkerInfo> list = o.admin().workers().list(PageRequest.first());
        assertThat(list.meta().total()).isEqualTo(1);
        assertThat(list.data().getFirst().labels()).containsExactly("cpu");
        assertThat(o.admin().workers().available(PageRequest.first()).data()).hasSize(1);
        WorkerInfo one = o.admin().workers().get(UUID.fromString(w.path("id").asString()));
        assertThat(one.name()).isEqualTo("box-1");
        assertThat(one.maxConcurrency()).isEqualTo(3);
        assertThat(one.status()).isEqualTo("online");
        RawResponse beat = post(o.worker(), "/api/v1/workers/" + w.path("id").asString() + "/heartbeat", null);
        assertThat(beat.status()).isEqualTo(200);
    }

    @Test
    void claimStartsTheStepAndCompleteFinishesTheRun() {
        Org o = org();
        String id = register(o.worker(), "gpu-1", "[\"gpu\"]", "[\"resize\"]", 2).path("id").asString();
        UUID run = start(o.admin(), RESIZE, "{\"n\": 7}");
        JsonNode task = claimOne(o.worker(), id);
        assertThat(task.path("run_id").asString()).isEqualTo(run.toString());
        assertThat(task.path("step_id").asString()).isEqualTo("resize");
        assertThat(task.path("task_type").asString()).isEqualTo("resize");
        assertThat(task.path("input").path("n").asInt()).isEqualTo(7);
        assertThat(task.path("attempt").asInt()).isEqualTo(1);
        assertThat(task.path("lease_expires_at").asString()).isNotBlank();
        long token = task.path("lease_token").asLong();
        String taskPath = "/api/v1/tasks/" + task.path("id").asString();

        assertThat(o.admin().runs().steps(run)).extracting(StepRun::status).containsExactly("running");
        assertThat(json(get(o.admin(), "/api/v1/workers/" + id)).path("running_tasks").asInt()).isEqualTo(1);
        assertThat(post(o.worker(), taskPath + "/heartbeat", "{\"lease_token\": " + token + "}").status()).isEqualTo(200);
        RawResponse logs = o.worker().raw("POST", taskPath + "/logs", "{\"stream\": \"stdout\", \"lines\": [\"one\", \"two\"]}",
                Map.of("Content-Type", "application/json", "X-Griddle-Lease-Token", Long.toString(token)));
        assertThat(logs.status()).as(logs.body()).isEqualTo(200);
        RawResponse done = post(o.worker(), taskPath + "/complete", "{\"lease_token\": " + token + ", \"output\": {\"size\": 49}}");
        assertThat(done.status()).as(done.body()).isEqualTo(200);

        Run finished = o.admin().runs().await(run, Duration.ofSeconds(10));
        assertThat(finished.status()).isEqualTo("succeeded");
        assertThat(finished.output().path("resize").path("size").asInt()).isEqualTo(49);
        List<Event> events = o.admin().runs().events(run, null, 100).data();
        assertThat(events).extracting(Event::type).contains("step_started", "log", "step_completed");
        List<Event> lines = events.stream().filter(e -> e.type().equals("log")).toList();
        assertThat(lines).extracting(e -> e.data().path("line").asString()).containsExactly("one", "two");
        assertThat(lines).allSatisfy(e -> assertThat(e.stepId()).isEqualTo("resize"));
        assertThat(lines.getFirst().data().path("stream").asString()).isEqualTo("stdout");

        Page<WorkerTask> history = o.admin().workers().tasks(UUID.fromString(id), "completed", PageRequest.first());
        assertThat(history.meta().total()).isEqualTo(1);
        assertThat(history.data().getFirst().runId()).isEqualTo(run);
        assertThat(history.data().getFirst().status()).isEqualTo("completed");
        assertThat(o.admin().workers().tasks(UUID.fromString(id), "running", PageRequest.first()).meta().total()).isZero();
        assertThat(o.admin().workers().get(UUID.fromString(id)).runningTasks()).isZero();

        // fencing: the same report again, a wrong token, a stale heartbeat
        assertEnvelope(post(o.worker(), taskPath + "/complete", "{\"lease_token\": " + token + ", \"output\": {}}"), 409, "CONFLICT");
        assertEnvelope(post(o.worker(), taskPath + "/heartbeat", "{\"lease_token\": " + token + "}"), 409, "CONFLICT");
    }

    @Test
    void idleClaimWaitsThenAnswers204AndWakesEarlyForNewWork() throws Exception {
        Org o = org();
        String id = register(o.worker(), "idle", "[]", "[\"echo\"]", 1).path("id").asString();
        long t0 = System.nanoTime();
        RawResponse idle = post(o.worker(), "/api/v1/workers/" + id + "/claim", "{\"max\": 1, \"wait_ms\": 300}");
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertThat(idle.status()).isEqualTo(204);
        assertThat(waited).isBetween(250L, 5000L);

        CompletableFuture<RawResponse> polling = CompletableFuture.supplyAsync(
                () -> post(o.worker(), "/api/v1/workers/" + id + "/claim", "{\"max\": 1, \"wait_ms\": 20000}"));
        Thread.sleep(300);
        long t1 = System.nanoTime();
        start(o.admin(), "steps:\n  - {id: e, type: task, with: {task_type: echo}}\n", null);
        RawResponse woke = polling.get();
        assertThat(woke.status()).isEqualTo(200);
        assertThat((System.nanoTime() - t1) / 1_000_000).as("woken by the task signal, not the timeout").isLessThan(5000);
    }

    @Test
    void onlyMatchingLabelsAndTaskTypesAreClaimed() {
        Org o = org();
        String cpu = register(o.worker(), "cpu", "[\"cpu\"]", "[\"resize\"]", 4).path("id").asString();
        String wrongType = register(o.worker(), "gpu-other", "[\"gpu\"]", "[\"transcode\"]", 4).path("id").asString();
        String gpu = register(o.worker(), "gpu", "[\"gpu\", \"big\"]", "[\"resize\"]", 4).path("id").asString();
        UUID run = start(o.admin(), RESIZE, "{\"n\": 1}");
        assertThat(post(o.worker(), "/api/v1/workers/" + cpu + "/claim", "{\"max\": 5, \"wait_ms\": 0}").status()).isEqualTo(204);
        assertThat(post(o.worker(), "/api/v1/workers/" + wrongType + "/claim", "{\"max\": 5}").status()).isEqualTo(204);
        assertThat(claimOne(o.worker(), gpu).path("run_id").asString()).isEqualTo(run.toString());
        // another organization's worker with the same labels sees nothing
        Org other = org();
        String stranger = register(other.worker(), "gpu", "[\"gpu\"]", "[\"resize\"]", 4).path("id").asString();
        start(o.admin(), RESIZE, "{\"n\": 2}");
        assertThat(post(other.worker(), "/api/v1/workers/" + stranger + "/claim", "{\"max\": 5}").status()).isEqualTo(204);
    }

    @Test
    void neverMoreThanFreeCapacity() {
        Org o = org();
        String id = register(o.worker(), "small", "[]", "[\"echo\"]", 2).path("id").asString();
        for (int i = 0; i < 4; i++) {
            start(o.admin(), "steps:\n  - {id: e, type: task, with: {task_type: echo}}\n", null);
        }
        RawResponse first = post(o.worker(), "/api/v1/workers/" + id + "/claim", "{\"max\": 10}");
        assertThat(json(first).path("data").size()).isEqualTo(2);
        assertThat(post(o.worker(), "/api/v1/workers/" + id + "/claim", "{\"max\": 10, \"wait_ms\": 200}").status()).isEqualTo(204);
        assertThat(json(get(o.admin(), "/api/v1/workers/available")).path("data").size()).isZero();
        JsonNode t = json(first).path("data").get(0);
        assertThat(post(o.worker(), "/api/v1/tasks/" + t.path("id").asString() + "/complete",
                "{\"lease_token\": " + t.path("lease_token").asLong() + ", \"output\": 1}").status()).isEqualTo(200);
        assertThat(json(post(o.worker(), "/api/v1/workers/" + id + "/claim", "{\"max\": 10}")).path("data").size()).isEqualTo(1);
    }

    @Test
    void failRetriesOnlyWhenRetryable() {
        Org o = org();
        String id = register(o.worker(), "f", "[]", "[\"flaky\"]", 4).path("id").asString();
        String steps = "steps:\n  - {id: f, type: task, retry: {max_attempts: 2, initial_interval_ms: 1}, with: {task_type: flaky}}\n";
        UUID retried = start(o.admin(), steps, null);
        JsonNode first = claimOne(o.worker(), id);
        assertThat(post(o.worker(), "/api/v1/tasks/" + first.path("id").asString() + "/fail",
                "{\"lease_token\": " + first.path("lease_token").asLong() + ", \"error\": {\"message\": \"disk busy\", \"retryable\": true}}")
                .status()).isEqualTo(200);
        JsonNode second = claimOne(o.worker(), id);
        assertThat(second.path("attempt").asInt()).isEqualTo(2);
        assertThat(second.path("run_id").asString()).isEqualTo(retried.toString());
        assertThat(post(o.worker(), "/api/v1/tasks/" + second.path("id").asString() + "/complete",
                "{\"lease_token\": " + second.path("lease_token").asLong() + ", \"output\": {\"ok\": true}}").status()).isEqualTo(200);
        assertThat(o.admin().runs().await(retried, Duration.ofSeconds(10)).status()).isEqualTo("succeeded");

        UUID fatal = start(o.admin(), steps, null);
        JsonNode t = claimOne(o.worker(), id);
        post(o.worker(), "/api/v1/tasks/" + t.path("id").asString() + "/fail",
                "{\"lease_token\": " + t.path("lease_token").asLong() + ", \"error\": {\"message\": \"bad input\", \"retryable\": false}}");
        Run failed = o.admin().runs().await(fatal, Duration.ofSeconds(10));
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.error().toString()).contains("bad input");
        assertThat(json(get(o.admin(), "/api/v1/workers/" + id + "/tasks?status=failed")).path("meta").path("total").asInt()).isEqualTo(2);
    }

    @Test
    void drainedWorkerGetsNoTasksUntilItRegistersAgain() {
        Org o = org();
        String id = register(o.worker(), "d", "[]", "[\"echo\"]", 1).path("id").asString();
        start(o.admin(), "steps:\n  - {id: e, type: task, with: {task_type: echo}}\n", null);
        RawResponse drained = post(o.admin(), "/api/v1/workers/" + id + "/drain", null);
        assertThat(json(drained).path("status").asString()).isEqualTo("draining");
        assertEnvelope(post(o.worker(), "/api/v1/workers/" + id + "/claim", "{\"max\": 1}"), 409, "CONFLICT");
        assertThat(json(get(o.admin(), "/api/v1/workers/available")).path("data").size()).isZero();
        register(o.worker(), "d", "[]", "[\"echo\"]", 1);
        assertThat(claimOne(o.worker(), id).path("task_type").asString()).isEqualTo("echo");
    }

    @Test
    void tenancyRolesAndBadInput() {
        Org o = org();
        String id = register(o.worker(), "t", "[]", "[\"echo\"]", 1).path("id").asString();
        start(o.admin(), "steps:\n  - {id: e, type: task, with: {task_type: echo}}\n", null);
        JsonNode task = claimOne(o.worker(), id);
        String taskPath = "/api/v1/tasks/" + task.path("id").asString();
        long token = task.path("lease_token").asLong();

        assertEnvelope(post(o.worker(), taskPath + "/complete", "{\"lease_token\": " + (token + 1000) + ", \"output\": {}}"), 409, "CONFLICT");
        assertEnvelope(post(o.worker(), taskPath + "/complete", "{\"output\": {}}"), 422, "VALIDATION_FAILED");
        assertEnvelope(o.worker().raw("POST", taskPath + "/heartbeat", null, Map.of("X-Griddle-Lease-Token", "abc")), 422, "VALIDATION_FAILED");
        assertEnvelope(post(o.worker(), taskPath + "/complete", "{not json"), 400, "BAD_REQUEST");
        assertEnvelope(post(o.worker(), taskPath + "/fail", "{\"lease_token\": " + token + ", \"error\": {}}"), 422, "VALIDATION_FAILED");
        assertEnvelope(post(o.worker(), taskPath + "/logs", "{\"lease_token\": " + token + ", \"lines\": \"x\"}"), 422, "VALIDATION_FAILED");
        assertEnvelope(post(o.worker(), "/api/v1/tasks/" + UUID.randomUUID() + "/complete", "{\"lease_token\": 1}"), 404, "NOT_FOUND");
        assertEnvelope(post(o.worker(), "/api/v1/workers/" + id + "/claim", "{\"max\": 0}"), 422, "VALIDATION_FAILED");
        assertEnvelope(post(o.worker(), "/api/v1/workers/" + id + "/claim", "{\"max\": \"x\"}"), 422, "VALIDATION_FAILED");
        assertEnvelope(post(o.worker(), "/api/v1/workers", "{\"labels\": [\"a b\"], \"max_concurrency\": 0}"), 422, "VALIDATION_FAILED");
        assertEnvelope(get(o.worker(), "/api/v1/workers/" + id + "/tasks?status=weird"), 422, "VALIDATION_FAILED");

        Org other = org();
        assertEnvelope(post(other.worker(), taskPath + "/complete", "{\"lease_token\": " + token + ", \"output\": {}}"), 404, "NOT_FOUND");
        assertEnvelope(get(other.admin(), "/api/v1/workers/" + id), 404, "NOT_FOUND");
        assertEnvelope(post(other.worker(), "/api/v1/workers/" + id + "/claim", "{}"), 404, "NOT_FOUND");

        GriddleClient viewer = client(o.admin().keys().create(CreateKey.of("v", "viewer")).secret());
        GriddleClient contributor = client(o.admin().keys().create(CreateKey.of("c", "contributor")).secret());
        assertThat(get(viewer, "/api/v1/workers/" + id).status()).isEqualTo(200);
        assertEnvelope(post(viewer, "/api/v1/workers/" + id + "/claim", "{}"), 403, "FORBIDDEN");
        assertEnvelope(post(contributor, "/api/v1/workers/" + id + "/claim", "{}"), 403, "FORBIDDEN");
        assertEnvelope(post(contributor, taskPath + "/complete", "{\"lease_token\": " + token + "}"), 403, "FORBIDDEN");
        assertEnvelope(o.worker().raw("GET", "/api/v1/runs", null, Map.of()), 403, "FORBIDDEN");

        // the task is untouched by all of the above; an admin key may speak the protocol
        assertThat(post(o.admin(), taskPath + "/complete", "{\"lease_token\": " + token + ", \"output\": {\"by\": \"admin\"}}").status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> o.admin().runs().steps(UUID.fromString(task.path("run_id").asString())).getFirst()
                .status().equals("succeeded"));
    }
}

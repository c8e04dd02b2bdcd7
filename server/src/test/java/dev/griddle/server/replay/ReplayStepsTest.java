package dev.griddle.server.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.ReplayModels.Call;
import dev.griddle.sdk.ReplayModels.Recording;
import dev.griddle.sdk.ReplayModels.ReplayRequest;
import dev.griddle.sdk.RunModels.Approval;
import dev.griddle.sdk.RunModels.CompleteApproval;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.worker.Worker;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Issue #18, what is not an external call and the runner's recording settings: an approval replays
 * its recorded decision, a wait takes no time, a worker's task is answered from the recording, a
 * runner with {@code recording: off} records nothing (and its runs cannot be replayed), and
 * {@code redact} paths keep values out of the recording without breaking the replay.
 */
class ReplayStepsTest extends ApiTest {

    static final FakeServer WEB = new FakeServer(r -> "{\"greeting\": \"hello " + r.body().path("name").asString() + "\", \"token\": \"tok-"
            + r.body().path("name").asString() + "\"}");

    @AfterAll
    static void stop() {
        WEB.stop();
    }

    private static Run await(GriddleClient client, UUID runId) {
        return client.runs().await(runId, Duration.ofSeconds(30));
    }

    private static Run start(GriddleClient client, Runner runner, String input) {
        return client.runs().start(runner.id(), StartRun.of(FakeServer.JSON.readTree(input)));
    }

    private static StepRun step(GriddleClient client, UUID runId, String stepId) {
        return client.runs().steps(runId).stream().filter(s -> s.stepId().equals(stepId)).findFirst().orElseThrow();
    }

    private static Approval pendingApproval(GriddleClient client, UUID runId) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            List<Approval> approvals = client.approvals().forRun(runId, PageRequest.first()).data();
            if (!approvals.isEmpty() && approvals.getFirst().status().equals("pending")) {
                return approvals.getFirst();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("run " + runId + " never asked for an approval");
    }

    @Test
    void anApprovalReplaysItsRecordedDecisionAndAStrictReplayOfAnotherQuestionFails() {
        GriddleClient client = newOrg();
        Runner runner = client.runners().createYaml("""
                name: approve-%s
                steps:
                  - {id: ask, type: approval, with: {message: "Ship {{ input.item }}?"}}
                  - {id: after, type: transform, needs: [ask], with: {value: {shipped: "{{ steps.ask.output.approved }}", note: "{{ steps.ask.output.comment }}", by: "{{ steps.ask.output.carrier }}"}}}
                """.formatted(UUID.randomUUID()));
        Run original = start(client, runner, "{\"item\": \"the parcel\"}");
        Approval asked = pendingApproval(client, original.id());
        client.approvals().complete(asked.id(), new CompleteApproval(true, "looks fine",
                JsonNodeFactory.instance.objectNode().put("carrier", "post")));
        Run done = await(client, original.id());
        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("succeeded");

        Recording recording = client.runs().recording(original.id());
        assertThat(recording.calls()).extracting(Call::stepId, Call::kind, Call::replayed).containsExactly(tuple("ask", "approval", false));
        Call decision = recording.calls().getFirst();
        assertThat(decision.request().path("message").asString()).isEqualTo("Ship the parcel?");
        assertThat(decision.response().path("approved").asBoolean()).isTrue();
        assertThat(decision.response().path("comment").asString()).isEqualTo("looks fine");
        assertThat(decision.response().path("result").path("carrier").asString()).isEqualTo("post");
        assertThat(decision.response().path("status").asString()).isEqualTo("completed");
        assertThat(decision.response().path("completed_by").asString()).as("the key that decided").hasSize(36);

        // the replay completes the approval from the recording: nobody acts on it
        Run replay = await(client, client.runs().replay(original.id(), ReplayRequest.strict()).id());
        assertThat(replay.status()).as(String.valueOf(replay.error())).isEqualTo("succeeded");
        assertThat(replay.output()).isEqualTo(done.output());
        List<Approval> replayed = client.approvals().forRun(replay.id(), PageRequest.first()).data();
        assertThat(replayed).extracting(Approval::status, Approval::approved, Approval::comment).containsExactly(tuple("completed", true, "looks fine"));
        assertThat(client.runs().events(replay.id(), null, 100).data()).filteredOn(e -> e.type().equals("approval_completed"))
                .singleElement().satisfies(e -> assertThat(e.data().path("replayed").asBoolean()).isTrue());
        assertThat(client.runs().recording(replay.id()).calls()).extracting(Call::kind, Call::replayed, Call::fingerprint)
                .containsExactly(tuple("approval", true, decision.fingerprint()));

        // another question on version 2: a strict replay fails at the approval, both questions side by side
        RawPatch.patch(client, runner.id(), """
                {"steps": [{"id": "ask", "type": "approval", "with": {"message": "Really ship {{ input.item }}?"}},
                           {"id": "after", "type": "transform", "needs": ["ask"], "with": {"value": {"shipped": "{{ steps.ask.output.approved }}"}}}]}""");
        int version2 = client.runners().publish(runner.id()).version();
        Run strict = await(client, client.runs().replay(original.id(), ReplayRequest.strict().onVersion(version2)).id());
        assertThat(strict.status()).isEqualTo("failed");
        StepRun failed = step(client, strict.id(), "ask");
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.error().path("message").asString()).contains("no answer for this approval call of step 'ask'");
        assertThat(failed.error().path("details").path("recorded_request").path("message").asString()).isEqualTo("Ship the parcel?");
        assertThat(failed.error().path("details").path("request").path("message").asString()).isEqualTo("Really ship the parcel?");
        assertThat(client.approvals().forRun(strict.id(), PageRequest.first()).data()).as("nobody is asked").isEmpty();

        // fallthrough: a person decides, as in a live run, and the decision is recorded in the new run
        Run fallthrough = client.runs().replay(original.id(), ReplayRequest.fallthrough().onVersion(version2));
        Approval live = pendingApproval(client, fallthrough.id());
        assertThat(live.message()).isEqualTo("Really ship the parcel?");
        client.approvals().complete(live.id(), new CompleteApproval(false, "no", null));
        Run decided = await(client, fallthrough.id());
        assertThat(decided.status()).as(String.valueOf(decided.error())).isEqualTo("succeeded");
        assertThat(decided.output().path("shipped").asBoolean()).isFalse();
        assertThat(client.runs().recording(fallthrough.id()).calls()).extracting(Call::kind, Call::replayed).containsExactly(tuple("approval", false));
    }

    @Test
    void aWaitTakesNoTimeOnAReplay() {
        GriddleClient client = newOrg();
        Runner runner = client.runners().createYaml("""
                name: wait-%s
                steps:
                  - {id: hour, type: wait, with: {duration_ms: 3600000}}
                  - {id: later, type: wait, needs: [hour], with: {until: "2099-01-01T00:00:00Z"}}
                  - {id: after, type: transform, needs: [later], with: {value: {done: true}}}
                """.formatted(UUID.randomUUID()));
        Run original = start(client, runner, "{}");
        // the recorded run waits its hour; its replay does not
        Run replay = await(client, client.runs().replay(original.id(), ReplayRequest.strict()).id());
        assertThat(replay.status()).as(String.valueOf(replay.error())).isEqualTo("succeeded");
        assertThat(replay.output().path("after").path("done").asBoolean()).isTrue();
        assertThat(List.of(step(client, replay.id(), "hour"), step(client, replay.id(), "later"))).extracting(StepRun::status)
                .containsExactly("succeeded", "succeeded");
        StepRun hour = step(client, replay.id(), "hour");
        assertThat(Duration.between(hour.startedAt(), hour.finishedAt())).as("not an hour").isLessThan(Duration.ofMinutes(59));
        assertThat(client.runs().get(original.id()).finished()).as("the recorded run still waits").isFalse();
        assertThat(step(client, original.id(), "hour").status()).isNotEqualTo("succeeded");
        client.runs().cancel(original.id(), "immediate");
    }

    @Test
    void recordingOffKeepsNothingAndItsRunsCannotBeReplayed() {
        GriddleClient client = newOrg();
        Runner runner = client.runners().createYaml("""
                name: off-%s
                recording: off
                steps:
                  - {id: greet, type: http, with: {method: POST, url: "%s/greet", body: {name: "{{ input.name }}"}}}
                """.formatted(UUID.randomUUID(), WEB.url()));
        JsonNode view = json(client.send("GET", "/api/v1/runners/" + runner.id(), null, Map.of()));
        assertThat(view.path("recording").asString()).isEqualTo("off");
        Run run = await(client, start(client, runner, "{\"name\": \"ann\"}").id());
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(client.runs().recording(run.id()).calls()).isEmpty();
        var refused = expectError(422, "RECORDING_OFF", () -> client.runs().replay(run.id(), ReplayRequest.strict()));
        assertThat(refused.apiMessage()).contains("recording: off");

        // bad settings are 422s naming the value
        String name = "bad-" + UUID.randomUUID();
        var bad = expectError(422, "VALIDATION_FAILED", () -> client.send("POST", "/api/v1/runners", """
                {"name": "%s", "recording": "sometimes", "redact": ["$.request.body.email", "request.body", "$.a[?(@.x)]"], "steps": []}"""
                .formatted(name), Map.of("Content-Type", "application/json")));
        Map<?, ?> fields = (Map<?, ?>) bad.details().get("field_errors");
        assertThat(fields.containsKey("recording")).isTrue();
        assertThat(fields.containsKey("redact[0]")).isFalse();
        assertThat(String.valueOf(fields.get("redact[1]"))).contains("must start with $");
        assertThat(String.valueOf(fields.get("redact[2]"))).contains("not in the supported subset");
        assertThat(client.runners().list(PageRequest.first()).data()).as("nothing half-written").noneMatch(r -> r.name().equals(name));
    }

    @Test
    void redactedValuesAreKeptAsRedactedAndTheReplayStillMatches() {
        GriddleClient client = newOrg();
        Runner runner = client.runners().createYaml("""
                name: redact-%s
                redact: ["$.request.body.name", "$..token"]
                steps:
                  - {id: greet, type: http, with: {method: POST, url: "%s/greet", body: {name: "{{ input.name }}"}}}
                output: {greeting: "{{ steps.greet.output.body.greeting }}"}
                """.formatted(UUID.randomUUID(), WEB.url()));
        Run run = await(client, start(client, runner, "{\"name\": \"ann@example.com\"}").id());
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        assertThat(run.output().path("greeting").asString()).isEqualTo("hello ann@example.com");
        assertThat(step(client, run.id(), "greet").output().path("body").path("token").asString()).as("the run itself is not redacted")
                .isEqualTo("tok-ann@example.com");
        Call call = client.runs().recording(run.id()).calls().getFirst();
        assertThat(call.request().path("body").path("name").asString()).isEqualTo("[redacted]");
        assertThat(call.response().path("body").path("token").asString()).isEqualTo("[redacted]");
        assertThat(call.request().toString() + call.response().path("body").path("token")).doesNotContain("tok-ann");

        int before = WEB.requests.get();
        Run replay = await(client, client.runs().replay(run.id(), ReplayRequest.strict()).id());
        assertThat(replay.status()).as(String.valueOf(replay.error())).isEqualTo("succeeded");
        assertThat(WEB.requests.get()).as("answered from the recording: the fingerprint is of the unredacted request").isEqualTo(before);
        assertThat(client.runs().recording(replay.id()).calls()).extracting(Call::fingerprint, Call::replayed)
                .containsExactly(tuple(call.fingerprint(), true));
        assertThat(step(client, replay.id(), "greet").output().path("body").path("token").asString())
                .as("a redacted response value is replayed as redacted").isEqualTo("[redacted]");
    }

    @Test
    void aWorkersTaskIsRecordedAndReplayedWithoutAWorker() throws Exception {
        GriddleClient client = newOrg();
        String key = client.keys().create(CreateKey.of("w", "worker")).secret();
        AtomicInteger handled = new AtomicInteger();
        Runner runner = client.runners().createYaml("""
                name: task-%s
                steps:
                  - {id: sq, type: task, runs_on: [gpu], with: {task_type: square, input: {n: "{{ input.n }}"}}}
                output: {sq: "{{ steps.sq.output.sq }}"}
                """.formatted(UUID.randomUUID()));
        Run original;
        try (Worker worker = worker(key, handled)) {
            original = await(client, start(client, runner, "{\"n\": 7}").id());
        }
        assertThat(original.status()).as(String.valueOf(original.error())).isEqualTo("succeeded");
        assertThat(original.output().path("sq").asInt()).isEqualTo(49);
        assertThat(handled.get()).isEqualTo(1);
        Call task = client.runs().recording(original.id()).calls().getFirst();
        assertThat(task.kind()).isEqualTo("task");
        assertThat(task.request().path("task_type").asString()).isEqualTo("square");
        assertThat(task.request().path("input").path("n").asInt()).isEqualTo(7);
        assertThat(task.response().path("output").path("sq").asInt()).isEqualTo(49);

        // no worker is online: the replay is answered from the recording
        Run replay = await(client, client.runs().replay(original.id(), ReplayRequest.strict()).id());
        assertThat(replay.status()).as(String.valueOf(replay.error())).isEqualTo("succeeded");
        assertThat(replay.output()).isEqualTo(original.output());
        assertThat(client.runs().recording(replay.id()).calls()).extracting(Call::kind, Call::replayed, Call::fingerprint)
                .containsExactly(tuple("task", true, task.fingerprint()));

        // other arguments: strict fails at the step; fallthrough hands the task to a worker
        RawPatch.patch(client, runner.id(), """
                {"steps": [{"id": "sq", "type": "task", "runs_on": ["gpu"], "with": {"task_type": "square", "input": {"n": "{{ input.n }}", "twice": true}}}]}""");
        int version2 = client.runners().publish(runner.id()).version();
        Run strict = await(client, client.runs().replay(original.id(), ReplayRequest.strict().onVersion(version2)).id());
        assertThat(strict.status()).isEqualTo("failed");
        JsonNode error = step(client, strict.id(), "sq").error();
        assertThat(error.path("details").path("recorded_request").path("input").has("twice")).isFalse();
        assertThat(error.path("details").path("request").path("input").path("twice").asBoolean()).isTrue();
        try (Worker worker = worker(key, handled)) {
            Run live = await(client, client.runs().replay(original.id(), ReplayRequest.fallthrough().onVersion(version2)).id());
            assertThat(live.status()).as(String.valueOf(live.error())).isEqualTo("succeeded");
            assertThat(live.output().path("sq").asInt()).isEqualTo(49);
            assertThat(client.runs().recording(live.id()).calls()).extracting(Call::kind, Call::replayed).containsExactly(tuple("task", false));
        }
        assertThat(handled.get()).isEqualTo(2);
    }

    private Worker worker(String key, AtomicInteger handled) {
        return Worker.builder(baseUrl(), key).name("sq-" + UUID.randomUUID()).labels("gpu").maxConcurrency(1).claimWait(Duration.ofSeconds(1))
                .drainTimeout(Duration.ofSeconds(5))
                .handle("square", (input, ctx) -> {
                    handled.incrementAndGet();
                    int n = input.path("n").asInt();
                    return JsonNodeFactory.instance.objectNode().put("sq", n * n);
                }).start();
    }
}

package dev.griddle.server.session;

import static dev.griddle.server.session.SessionApiTest.ok;
import static dev.griddle.server.session.SessionApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.ReplayModels.Recording;
import dev.griddle.sdk.ReplayModels.ReplayRequest;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code session} steps against a worker played by the test: {@code wait_for: idle} completes with
 * the output so far and ends the session; {@code timeout_ms} fails the step with a clear error and
 * ends the session it gave up on.
 */
class SessionStepTest extends ApiTest {

    record Host(GriddleClient worker, String id) {
        /** Polls until the worker is handed a command of {@code kind}; returns it. */
        JsonNode command(String kind, List<JsonNode> leases) {
            List<JsonNode> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                JsonNode poll = ok(post(worker, "/api/v1/workers/" + id + "/sessions/poll",
                        "{\"wait_ms\": 200, \"sessions\": " + leases + "}"));
                poll.path("commands").forEach(seen::add);
                return seen.stream().anyMatch(c -> c.path("kind").asString().equals(kind));
            });
            return seen.stream().filter(c -> c.path("kind").asString().equals(kind)).findFirst().orElseThrow();
        }

        void report(JsonNode start, String events) {
            ok(post(worker, "/api/v1/workers/" + id + "/sessions/report", """
                    {"reports": [{"session_id": "%s", "lease_token": %d, "events": %s}]}"""
                    .formatted(start.path("session_id").asString(), start.path("lease_token").asLong(), events)));
        }

        static List<JsonNode> lease(JsonNode start) {
            return List.of(SessionApiTest.JSON.readTree("{\"id\": \"" + start.path("session_id").asString() + "\", \"lease_token\": "
                    + start.path("lease_token").asLong() + "}"));
        }
    }

    Host host(GriddleClient admin) {
        GriddleClient worker = client(admin.keys().create(CreateKey.of("w", "worker")).secret());
        String id = ok(post(worker, "/api/v1/workers", """
                {"name": "pods", "max_pods": 2, "session_templates": [{"name": "agent", "idle_after_ms": 50}]}
                """)).path("id").asString();
        return new Host(worker, id);
    }

    @Test
    void waitForIdleCompletesWithTheOutputSoFarAndEndsTheSession() {
        GriddleClient admin = newOrg();
        Host host = host(admin);
        UUID runner = admin.runners().createYaml("""
                name: idle-step
                steps:
                  - {id: agent, type: session, with: {template: agent, prompt: "hello", wait_for: idle}}
                """).id();
        UUID run = admin.runs().start(runner, StartRun.of(SessionApiTest.JSON.readTree("{}"))).id();
        JsonNode start = host.command("start", List.of());
        assertThat(start.path("initial_prompt").asString()).isEqualTo("hello");
        host.report(start, """
                [{"seq": 1, "type": "status", "status": "running"},
                 {"seq": 2, "type": "output", "line": "answer: hello"},
                 {"seq": 3, "type": "status", "status": "idle"}]""");

        Run finished = admin.runs().await(run, Duration.ofSeconds(30));
        assertThat(finished.status()).as("%s", finished.error()).isEqualTo("succeeded");
        JsonNode step = finished.output().path("agent");
        assertThat(step.path("status").asString()).isEqualTo("idle");
        assertThat(step.path("output").asString()).isEqualTo("answer: hello");
        assertThat(step.path("exit_code").isNull()).isTrue();
        // not keep: the step's end asks the worker to end the session
        assertThat(host.command("cancel", Host.lease(start)).path("session_id").asString()).isEqualTo(start.path("session_id").asString());
    }

    /** Issue #18: the step's result is recorded (kind session); a replay answers the step from it, no session started. */
    @Test
    void aReplayAnswersTheSessionStepFromTheRecordingWithoutASession() {
        GriddleClient admin = newOrg();
        Host host = host(admin);
        UUID runner = admin.runners().createYaml("""
                name: recorded-session
                steps:
                  - {id: agent, type: session, with: {template: agent, prompt: "fix the bug in {{ input.file }}"}}
                """).id();
        UUID run = admin.runs().start(runner, StartRun.of(SessionApiTest.JSON.readTree("{\"file\": \"Main.java\"}"))).id();
        JsonNode start = host.command("start", List.of());
        host.report(start, """
                [{"seq": 1, "type": "status", "status": "running"},
                 {"seq": 2, "type": "output", "line": "patched Main.java"},
                 {"seq": 3, "type": "status", "status": "terminated", "exit_code": 0, "reason": "exited"}]""");
        Run original = admin.runs().await(run, Duration.ofSeconds(30));
        assertThat(original.status()).as("%s", original.error()).isEqualTo("succeeded");

        Recording recording = admin.runs().recording(run);
        assertThat(recording.calls()).singleElement().satisfies(call -> {
            assertThat(call.kind()).isEqualTo("session");
            assertThat(call.stepId()).isEqualTo("agent");
            assertThat(call.request().path("template").asString()).isEqualTo("agent");
            assertThat(call.request().path("prompt").asString()).isEqualTo("fix the bug in Main.java");
            assertThat(call.response().path("output").asString()).isEqualTo("patched Main.java");
            assertThat(call.response().has("recorded_request")).isFalse();
        });
        assertThat(original.output().path("agent").has("recorded_request")).isFalse();
        long sessions = ok(admin.raw("GET", "/api/v1/sessions", null, Map.of())).path("data").size();

        Run replay = admin.runs().await(admin.runs().replay(run, ReplayRequest.strict()).id(), Duration.ofSeconds(30));
        assertThat(replay.status()).as("%s", replay.error()).isEqualTo("succeeded");
        assertThat(replay.output()).isEqualTo(original.output());
        assertThat(ok(admin.raw("GET", "/api/v1/sessions", null, Map.of())).path("data").size()).isEqualTo(sessions);
        assertThat(admin.runs().recording(replay.id()).calls()).singleElement().satisfies(call -> assertThat(call.replayed()).isTrue());
    }

    @Test
    void timeoutMsFailsTheStepAndEndsTheSession() {
        GriddleClient admin = newOrg();
        Host host = host(admin);
        UUID runner = admin.runners().createYaml("""
                name: slow-step
                steps:
                  - {id: agent, type: session, with: {template: agent, prompt: "think long", timeout_ms: 1500}}
                """).id();
        UUID run = admin.runs().start(runner, StartRun.of(SessionApiTest.JSON.readTree("{}"))).id();
        JsonNode start = host.command("start", List.of());
        host.report(start, "[{\"seq\": 1, \"type\": \"status\", \"status\": \"running\"}]");

        Run finished = admin.runs().await(run, Duration.ofSeconds(30));
        assertThat(finished.status()).isEqualTo("failed");
        String sessionId = start.path("session_id").asString();
        assertThat(finished.error().toString()).contains("session " + sessionId + " did not reach wait_for 'exit' within timeout_ms 1500");
        JsonNode cancel = host.command("cancel", Host.lease(start));
        assertThat(cancel.path("session_id").asString()).isEqualTo(sessionId);
        JsonNode events = ok(admin.raw("GET", "/api/v1/sessions/" + sessionId + "/events", null, Map.of())).path("data");
        assertThat(events.findValuesAsString("reason")).contains("step_timed_out");

        // the session exiting after the deadline changes nothing in the failed run
        host.report(start, "[{\"seq\": 2, \"type\": \"status\", \"status\": \"terminated\", \"exit_code\": 143, \"reason\": \"cancelled\"}]");
        assertThat(admin.runs().get(run).status()).isEqualTo("failed");
    }
}

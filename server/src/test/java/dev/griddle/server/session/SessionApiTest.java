package dev.griddle.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The session routes and their worker protocol over raw HTTP, a worker played by the test: placement
 * on a poll, ordered reports applied once, fencing by lease token, exec refused without the
 * template's consent, the pods list's bounds, bad input, roles.
 */
class SessionApiTest extends ApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static RawResponse post(GriddleClient c, String path, String body) {
        return c.raw("POST", path, body, Map.of("Content-Type", "application/json"));
    }

    static JsonNode ok(RawResponse r) {
        assertThat(r.status()).as(r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    @Test
    void aPolledSessionIsPlacedReportedOnceAndFenced() {
        GriddleClient admin = newOrg();
        GriddleClient worker = client(admin.keys().create(CreateKey.of("w", "worker")).secret());
        // no host offers the template yet: 422
        assertThat(post(admin, "/api/v1/sessions", "{\"template\": \"agent\", \"initial_prompt\": \"hi\"}").status()).isEqualTo(422);
        String host = ok(post(worker, "/api/v1/workers", """
                {"name": "pods", "labels": ["linux"], "max_pods": 1, "session_templates": [{"name": "agent", "exec": false, "idle_after_ms": 5}]}
                """)).path("id").asString();
        JsonNode session = ok(post(admin, "/api/v1/sessions", "{\"template\": \"agent\", \"initial_prompt\": \"hi\", \"labels\": [\"linux\"]}"));
        assertThat(session.path("status").asString()).isEqualTo("pending");
        String id = session.path("id").asString();
        // messages before a host runs it: 409
        assertThat(post(admin, "/api/v1/sessions/" + id + "/messages", "{\"content\": \"early\"}").status()).isEqualTo(409);

        JsonNode poll = ok(post(worker, "/api/v1/workers/" + host + "/sessions/poll", "{\"wait_ms\": 0}"));
        JsonNode start = poll.path("commands").get(0);
        assertThat(start.path("kind").asString()).isEqualTo("start");
        assertThat(start.path("initial_prompt").asString()).isEqualTo("hi");
        long token = start.path("lease_token").asLong();
        assertThat(ok(admin.raw("GET", "/api/v1/sessions/" + id, null, Map.of())).path("status").asString()).isEqualTo("starting");
        assertThat(ok(admin.raw("GET", "/api/v1/workers/" + host, null, Map.of())).path("pod_count").asInt()).isEqualTo(1);

        String report = """
                {"reports": [{"session_id": "%s", "lease_token": %d, "events": [
                  {"seq": 1, "type": "status", "status": "running"},
                  {"seq": 2, "type": "output", "stream": "stdout", "line": "one"},
                  {"seq": 3, "type": "output", "stream": "stdout", "line": "two"}]}]}""".formatted(id, token);
        assertThat(ok(post(worker, "/api/v1/workers/" + host + "/sessions/report", report)).path("lost")).isEmpty();
        // the same report again (its answer was lost): applied once
        ok(post(worker, "/api/v1/workers/" + host + "/sessions/report", report));
        JsonNode events = ok(admin.raw("GET", "/api/v1/sessions/" + id + "/events", null, Map.of())).path("data");
        assertThat(events.findValuesAsString("line")).containsExactly("one", "two");
        // a stale lease token is fenced: reported lost, nothing applied
        JsonNode stale = ok(post(worker, "/api/v1/workers/" + host + "/sessions/report", """
                {"reports": [{"session_id": "%s", "lease_token": %d, "events": [{"seq": 9, "type": "output", "line": "forged"}]}]}"""
                .formatted(id, token + 7)));
        assertThat(stale.path("lost").get(0).asString()).isEqualTo(id);
        assertThat(ok(post(worker, "/api/v1/workers/" + host + "/sessions/poll",
                "{\"wait_ms\": 0, \"sessions\": [{\"id\": \"" + id + "\", \"lease_token\": " + (token + 7) + "}]}")).path("lost").get(0).asString())
                .isEqualTo(id);

        // exec is refused: the template does not allow it
        RawResponse exec = post(admin, "/api/v1/sessions/" + id + "/exec", "{\"command\": \"id\"}");
        assertThat(exec.status()).isEqualTo(409);
        // a message becomes a command on the next poll
        assertThat(post(admin, "/api/v1/sessions/" + id + "/messages", "{\"content\": \"next\"}").status()).isEqualTo(202);
        JsonNode message = ok(post(worker, "/api/v1/workers/" + host + "/sessions/poll",
                "{\"wait_ms\": 0, \"sessions\": [{\"id\": \"" + id + "\", \"lease_token\": " + token + "}]}")).path("commands").get(0);
        assertThat(message.path("kind").asString()).isEqualTo("message");
        assertThat(message.path("content").asString()).isEqualTo("next");

        // pods: AgentsMesh's shape and bounds
        JsonNode pods = ok(admin.raw("GET", "/api/v1/workers/" + host + "/pods?status=running", null, Map.of()));
        assertThat(pods.path("total").asInt()).isEqualTo(1);
        assertThat(pods.path("pods").get(0).path("key").asString()).isEqualTo(id);
        assertThat(pods.path("pods").get(0).path("agent_type_id").asString()).isEqualTo("agent");
        assertThat(pods.path("limit").asInt()).isEqualTo(20);
        for (String bad : new String[] {"limit=0", "limit=101", "offset=-1", "limit=x", "status=sleeping"}) {
            RawResponse r = admin.raw("GET", "/api/v1/workers/" + host + "/pods?" + bad, null, Map.of());
            assertThat(r.status()).as(bad).isEqualTo(422);
            assertThat(r.body()).contains("VALIDATION_FAILED");
        }

        // cancel becomes a command; the worker's exit report ends it
        assertThat(post(admin, "/api/v1/sessions/" + id + "/cancel", null).status()).isEqualTo(202);
        ok(post(worker, "/api/v1/workers/" + host + "/sessions/report", """
                {"reports": [{"session_id": "%s", "lease_token": %d, "events": [{"seq": 4, "type": "status", "status": "terminated", "exit_code": 143, "reason": "cancelled"}]}]}"""
                .formatted(id, token)));
        JsonNode ended = ok(admin.raw("GET", "/api/v1/sessions/" + id, null, Map.of()));
        assertThat(ended.path("status").asString()).isEqualTo("terminated");
        assertThat(ended.path("exit_code").asInt()).isEqualTo(143);
        assertThat(ended.path("reason").asString()).isEqualTo("cancelled");
        assertThat(ok(admin.raw("GET", "/api/v1/workers/" + host, null, Map.of())).path("pod_count").asInt()).isZero();
        assertThat(ok(post(admin, "/api/v1/sessions/" + id + "/archive", null)).path("archived_at").isNull()).isFalse();
    }

    @Test
    void badInputAndRoles() {
        GriddleClient admin = newOrg();
        GriddleClient worker = client(admin.keys().create(CreateKey.of("w", "worker")).secret());
        GriddleClient viewer = client(admin.keys().create(CreateKey.of("v", "viewer")).secret());
        RawResponse badTemplates = post(worker, "/api/v1/workers", """
                {"name": "bad", "max_pods": 1001, "session_templates": [{"name": "a b"}, {"name": "x", "command": ["sh"]}]}""");
        assertThat(badTemplates.status()).isEqualTo(422);
        assertThat(badTemplates.body()).contains("max_pods").contains("session_templates").contains("unknown field 'command'");
        ok(post(worker, "/api/v1/workers", "{\"name\": \"pods\", \"max_pods\": 1, \"session_templates\": [{\"name\": \"agent\"}]}"));

        RawResponse missing = post(admin, "/api/v1/sessions", "{\"labels\": [\"bad label\"], \"metadata\": [1]}");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.body()).contains("template").contains("initial_prompt").contains("labels").contains("metadata");
        assertThat(post(admin, "/api/v1/sessions", "{\"template\": \"agent\", \"initial_prompt\": \"x\", \"project_id\": \""
                + java.util.UUID.randomUUID() + "\"}").status()).isEqualTo(422);
        assertThat(admin.raw("GET", "/api/v1/sessions?status=sleeping", null, Map.of()).status()).isEqualTo(422);
        assertThat(admin.raw("GET", "/api/v1/sessions/" + java.util.UUID.randomUUID(), null, Map.of()).status()).isEqualTo(404);

        String id = ok(post(admin, "/api/v1/sessions", "{\"template\": \"agent\", \"initial_prompt\": \"x\"}")).path("id").asString();
        assertThat(post(admin, "/api/v1/sessions/" + id + "/exec", "{\"command\": [], \"timeout_ms\": 0}").body())
                .contains("command").contains("timeout_ms");
        assertThat(post(admin, "/api/v1/sessions/" + id + "/messages", "{}").status()).isEqualTo(422);
        assertThat(admin.raw("GET", "/api/v1/sessions/" + id + "/events?after=-1", null, Map.of()).status()).isEqualTo(422);
        // roles: a viewer reads, never writes; a worker key uses only the protocol
        assertThat(viewer.raw("GET", "/api/v1/sessions/" + id, null, Map.of()).status()).isEqualTo(200);
        assertThat(post(viewer, "/api/v1/sessions/" + id + "/cancel", null).status()).isEqualTo(403);
        assertThat(worker.raw("GET", "/api/v1/sessions/" + id, null, Map.of()).status()).isEqualTo(403);
        assertThat(post(viewer, "/api/v1/workers/" + java.util.UUID.randomUUID() + "/sessions/poll", "{}").status()).isEqualTo(403);
        // a pending session cancels at once; archiving a live one is refused
        assertThat(post(admin, "/api/v1/sessions/" + id + "/archive", null).status()).isEqualTo(409);
        JsonNode cancelled = ok(post(admin, "/api/v1/sessions/" + id + "/cancel", null));
        assertThat(cancelled.path("status").asString()).isEqualTo("terminated");
        assertThat(cancelled.path("reason").asString()).isEqualTo("cancelled");
    }
}

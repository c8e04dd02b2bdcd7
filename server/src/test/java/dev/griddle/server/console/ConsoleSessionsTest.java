package dev.griddle.server.console;

import static dev.griddle.server.console.ConsoleHttp.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The console's sessions over HTTP, a worker host played by the test: the list and its filters,
 * a session's page with its timeline and its live stream, a message reaching the host's stdin
 * commands, cancel and archive; the templates page; pods on the workers page; a viewer's page has
 * no write controls and its writes are refused; another organization's session is a 404 page.
 */
@TestPropertySource(properties = "griddle.console.sign-in-per-minute=1000")
class ConsoleSessionsTest extends ApiTest {

    /** A host named {@code pods} offering template {@code agent}, and one session placed on it and running with two output lines. */
    record Placed(GriddleClient admin, GriddleClient worker, String host, String id, long token) {
    }

    private Placed placed() {
        GriddleClient admin = newOrg();
        return placed(admin, client(admin.keys().create(CreateKey.of("w", "worker")).secret()));
    }

    static Placed placed(GriddleClient admin, GriddleClient worker) {
        String host = ok(post(worker, "/api/v1/workers", """
                {"name": "pods", "labels": ["linux"], "max_pods": 3, "session_templates": [{"name": "agent", "exec": false, "idle_after_ms": 600000}]}
                """)).path("id").asString();
        String id = ok(post(admin, "/api/v1/sessions", "{\"template\": \"agent\", \"initial_prompt\": \"tidy the repo\"}")).path("id").asString();
        long token = ok(post(worker, "/api/v1/workers/" + host + "/sessions/poll", "{\"wait_ms\": 0}")).path("commands").get(0).path("lease_token").asLong();
        report(worker, host, id, token, """
                {"seq": 1, "type": "status", "status": "running"},
                {"seq": 2, "type": "output", "stream": "stdout", "line": "first line out"},
                {"seq": 3, "type": "output", "stream": "stdout", "line": "second line out"}""");
        return new Placed(admin, worker, host, id, token);
    }

    @Test
    void listFilterOpenMessageWatchCancelAndArchive() throws Exception {
        Placed p = placed();
        ConsoleHttp http = new ConsoleHttp(baseUrl());
        String cookie = http.session(p.admin().keys().create(CreateKey.of("operator", "contributor")).secret());
        String csrf = http.csrf(cookie);

        String list = http.get("/console/sessions", cookie).body();
        assertThat(list).contains("<h1>Sessions</h1>").contains("href=\"/console/sessions/" + p.id() + "\"").contains("<td>agent</td>")
                .contains("<td>pods</td>").contains("state-running").contains("href=\"/console/sessions\"");
        assertThat(http.get("/console/sessions?status=running&template=agent&worker_id=" + p.host(), cookie).body()).contains(p.id());
        assertThat(http.get("/console/sessions?status=terminated", cookie).body()).doesNotContain(p.id()).contains("No sessions match.");
        assertThat(http.get("/console/sessions?template=other", cookie).body()).doesNotContain(p.id());
        HttpResponse<String> bad = http.get("/console/sessions?status=sleeping", cookie);
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("<html").contains("status");

        String page = http.get("/console/sessions/" + p.id(), cookie).body();
        assertThat(page).contains("id=\"session-status\" class=\"state-running\">running<").contains("first line out").contains("second line out")
                .contains("tidy the repo").contains(">Send</button>").contains(">Cancel session</button>").doesNotContain(">Archive</button>")
                .contains("sse-connect=\"/console/sessions/" + p.id() + "/stream?seen=");
        java.util.regex.Matcher seen = java.util.regex.Pattern.compile("/stream\\?seen=(\\d+)\"").matcher(page);
        assertThat(seen.find()).isTrue();
        assertThat(page).contains("data-seq=\"" + seen.group(1) + "\"");

        try (ConsoleHttp.Sse stream = http.stream("/console/sessions/" + p.id() + "/stream?seen=" + seen.group(1), cookie)) {
            assertThat(stream.status()).isEqualTo(200);
            report(p.worker(), p.host(), p.id(), p.token(), "{\"seq\": 4, \"type\": \"output\", \"stream\": \"stdout\", \"line\": \"third line out\"}");
            assertThat(stream.awaitEvent("changed", Duration.ofSeconds(10))).isTrue();
        }
        assertThat(http.get("/console/sessions/" + p.id() + "/live", cookie).body()).contains("third line out").doesNotContain("<html");

        HttpResponse<String> sent = http.post("/console/sessions/" + p.id() + "/messages", cookie, form("content", "now run the tests", "_csrf", csrf));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(303);
        JsonNode commands = commands(p);
        assertThat(commands.get(0).path("kind").asString()).isEqualTo("message");
        assertThat(commands.get(0).path("content").asString()).isEqualTo("now run the tests");
        assertThat(http.post("/console/sessions/" + p.id() + "/messages", cookie, form("content", "", "_csrf", csrf)).statusCode()).isEqualTo(422);

        assertThat(http.post("/console/sessions/" + p.id() + "/cancel", cookie, form("_csrf", csrf)).statusCode()).isEqualTo(303);
        assertThat(commands(p).findValuesAsString("kind")).contains("cancel");
        report(p.worker(), p.host(), p.id(), p.token(), "{\"seq\": 5, \"type\": \"status\", \"status\": \"terminated\", \"exit_code\": 143, \"reason\": \"cancelled\"}");
        String ended = http.get("/console/sessions/" + p.id(), cookie).body();
        assertThat(ended).contains(">terminated<").contains("exit 143").contains(">Archive</button>").doesNotContain(">Cancel session</button>")
                .doesNotContain(">Send</button>");
        assertThat(http.post("/console/sessions/" + p.id() + "/archive", cookie, form("_csrf", csrf)).statusCode()).isEqualTo(303);
        assertThat(ok(p.admin().raw("GET", "/api/v1/sessions/" + p.id(), null, Map.of())).path("archived_at").isNull()).isFalse();
        assertThat(http.get("/console/sessions/" + p.id(), cookie).body()).contains("Archived").doesNotContain(">Archive</button>");
    }

    @Test
    void templatesWithTheirHostsAndPodsOnTheWorkersPage() {
        Placed p = placed();
        ConsoleHttp http = new ConsoleHttp(baseUrl());
        String cookie = http.session(p.admin().keys().create(CreateKey.of("watcher", "viewer")).secret());
        String templates = http.get("/console/session-templates", cookie).body();
        assertThat(templates).contains("<h1>Session templates</h1>").contains("<td>agent</td><td>pods</td><td>online</td><td></td><td>no</td><td>10m</td>");
        assertThat(http.get("/console/workers", cookie).body()).contains("<th scope=\"col\">Pods</th>").contains("<td>1 / 3</td>");
    }

    @Test
    void aViewerSeesNoWriteControlsAndItsWritesAreRefused() {
        Placed p = placed();
        ConsoleHttp http = new ConsoleHttp(baseUrl());
        String cookie = http.session(p.admin().keys().create(CreateKey.of("watcher", "viewer")).secret());
        String page = http.get("/console/sessions/" + p.id(), cookie).body();
        assertThat(page).contains("first line out").doesNotContain(">Send</button>").doesNotContain(">Cancel session</button>")
                .doesNotContain("name=\"content\"");
        String csrf = http.csrf(cookie);
        for (String action : new String[] {"messages", "cancel", "archive"}) {
            HttpResponse<String> refused = http.post("/console/sessions/" + p.id() + "/" + action, cookie, form("content", "x", "_csrf", csrf));
            assertThat(refused.statusCode()).as(action).isEqualTo(403);
            assertThat(refused.body()).as(action).contains("read-only").contains("<html");
        }
        assertThat(commands(p)).isEmpty();
        assertThat(ok(p.admin().raw("GET", "/api/v1/sessions/" + p.id(), null, Map.of())).path("status").asString()).isEqualTo("running");
    }

    @Test
    void anotherOrganizationsSessionIsAnHtmlNotFoundPageWithNoSideEffect() {
        Placed p = placed();
        ConsoleHttp http = new ConsoleHttp(baseUrl());
        String outsider = http.session(newOrg().keys().create(CreateKey.of("outsider", "admin")).secret());
        String csrf = http.csrf(outsider);
        for (String path : new String[] {"/console/sessions/" + p.id(), "/console/sessions/" + p.id() + "/live", "/console/sessions/" + p.id() + "/stream"}) {
            HttpResponse<String> answer = http.get(path, outsider);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).as(path).startsWith("text/html");
            assertThat(answer.body()).as(path).contains("Not found").doesNotContain("tidy the repo");
        }
        for (String action : new String[] {"messages", "cancel", "archive"}) {
            assertThat(http.post("/console/sessions/" + p.id() + "/" + action, outsider, form("content", "x", "_csrf", csrf)).statusCode()).as(action)
                    .isEqualTo(404);
        }
        assertThat(http.get("/console/sessions", outsider).body()).doesNotContain(p.id());
        assertThat(http.get("/console/session-templates", outsider).body()).doesNotContain("<td>pods</td>");
        assertThat(http.get("/console/sessions?worker_id=" + p.host(), outsider).body()).doesNotContain(p.id());
        assertThat(commands(p)).isEmpty();
        JsonNode s = ok(p.admin().raw("GET", "/api/v1/sessions/" + p.id(), null, Map.of()));
        assertThat(s.path("status").asString()).isEqualTo("running");
        assertThat(s.path("archived_at").isNull()).isTrue();
    }

    private static JsonNode commands(Placed p) {
        return ok(post(p.worker(), "/api/v1/workers/" + p.host() + "/sessions/poll",
                "{\"wait_ms\": 0, \"sessions\": [{\"id\": \"" + p.id() + "\", \"lease_token\": " + p.token() + "}]}")).path("commands");
    }

    static void report(GriddleClient worker, String host, String id, long token, String events) {
        ok(post(worker, "/api/v1/workers/" + host + "/sessions/report",
                "{\"reports\": [{\"session_id\": \"%s\", \"lease_token\": %d, \"events\": [%s]}]}".formatted(id, token, events)));
    }

    private static RawResponse post(GriddleClient c, String path, String body) {
        return c.raw("POST", path, body, Map.of("Content-Type", "application/json"));
    }

    private static JsonNode ok(RawResponse r) {
        assertThat(r.status()).as(r.body()).isBetween(200, 299);
        return ConsoleHttp.read(r.body());
    }
}

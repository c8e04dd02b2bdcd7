package dev.griddle.server.console;

import static dev.griddle.server.console.ConsoleHttp.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.ApiKey;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.server.ApiTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/** The console over HTTP: sign-in and its cookie, CSRF, expiry, revocation, roles, tenancy, HTML errors. */
@TestPropertySource(properties = "griddle.console.sign-in-per-minute=1000")
class ConsoleTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    private ConsoleHttp console;

    @BeforeEach
    void setUp() {
        console = new ConsoleHttp(baseUrl());
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieAndStoresOnlyAHash() {
        GriddleClient admin = newOrg();
        ApiKey key = admin.keys().create(CreateKey.of("console", "contributor"));

        HttpResponse<String> form = console.get("/console/sign-in", null);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("<label for=\"api_key\">API key</label>").contains(">Sign in</button>");

        HttpResponse<String> answer = console.signIn(key.secret());
        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.headers().firstValue("Location")).hasValue("/console/runs");
        String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("griddle_console=").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/console")
                .contains("Max-Age=43200");
        String token = setCookie.split(";", 2)[0].substring("griddle_console=".length());
        assertThat(jdbc.sql("select count(*) from console_sessions where token_hash = :t").param("t", token).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from console_sessions where key_id = :k").param("k", key.id()).query(Long.class).single()).isEqualTo(1);

        HttpResponse<String> runs = console.get("/console/runs", setCookie.split(";", 2)[0]);
        assertThat(runs.statusCode()).isEqualTo(200);
        assertThat(runs.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(runs.body()).contains("<h1>Runs</h1>").contains("contributor");
    }

    @Test
    void aWrongKeyIsRefusedOnTheFormAndPagesWithoutASessionGoToSignIn() {
        HttpResponse<String> wrong = console.signIn("grd_live_NotAKey000000000000000000000000000000");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Unknown API key").contains("API key");
        assertThat(wrong.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("griddle_console="));

        HttpResponse<String> anonymous = console.get("/console/runs", null);
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).hasValue("/console/sign-in");
        assertThat(console.get("/console/runs", "griddle_console=forged").statusCode()).isEqualTo(303);
        assertThat(console.post("/console/sign-out", "griddle_console=forged", Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void everyWriteNeedsTheSessionsCsrfToken() {
        GriddleClient admin = newOrg();
        UUID[] waiting = ConsoleHttp.waitingRun(admin, "csrf check");
        String cookie = console.session(admin.keys().create(CreateKey.of("c", "contributor")).secret());

        HttpResponse<String> none = console.post("/console/approvals/" + waiting[1] + "/complete", cookie, form("decision", "approve"));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(none.body()).contains("CSRF");
        HttpResponse<String> stale = console.post("/console/approvals/" + waiting[1] + "/complete", cookie, form("decision", "approve", "_csrf", "00ff"));
        assertThat(stale.statusCode()).isEqualTo(403);
        assertThat(admin.approvals().get(waiting[1]).status()).isEqualTo("pending");

        String csrf = console.csrf(cookie);
        HttpResponse<String> done = console.post("/console/approvals/" + waiting[1] + "/complete", cookie,
                form("decision", "approve", "comment", "looks right", "_csrf", csrf));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        assertThat(admin.approvals().get(waiting[1]).approved()).isTrue();
        assertThat(admin.approvals().get(waiting[1]).comment()).isEqualTo("looks right");
    }

    @Test
    void signOutEndsTheSession() {
        GriddleClient admin = newOrg();
        String cookie = console.session(admin.keys().create(CreateKey.of("c", "viewer")).secret());
        HttpResponse<String> out = console.post("/console/sign-out", cookie, form("_csrf", console.csrf(cookie)));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(console.get("/console/runs", cookie).statusCode()).isEqualTo(303);
    }

    @Test
    void anExpiredSessionOrARevokedKeyEndsTheSession() {
        GriddleClient admin = newOrg();
        ApiKey key = admin.keys().create(CreateKey.of("c", "viewer"));
        String cookie = console.session(key.secret());
        assertThat(console.get("/console/runs", cookie).statusCode()).isEqualTo(200);
        admin.keys().revoke(key.id());
        assertThat(console.get("/console/runs", cookie).statusCode()).isEqualTo(303);

        ApiKey other = admin.keys().create(CreateKey.of("d", "viewer"));
        String second = console.session(other.secret());
        jdbc.sql("update console_sessions set expires_at = now() - interval '1 second' where key_id = :k").param("k", other.id()).update();
        assertThat(console.get("/console/runs", second).statusCode()).isEqualTo(303);
    }

    @Test
    void aViewerSeesNoWriteButtonsAndTheServerRefusesItsWrites() {
        GriddleClient admin = newOrg();
        UUID[] waiting = ConsoleHttp.waitingRun(admin, "viewer check");
        String cookie = console.session(admin.keys().create(CreateKey.of("v", "viewer")).secret());

        HttpResponse<String> inbox = console.get("/console/approvals", cookie);
        assertThat(inbox.statusCode()).isEqualTo(200);
        assertThat(inbox.body()).contains("viewer check").doesNotContain(">Approve</button>").doesNotContain(">Reject</button>");
        assertThat(console.get("/console/runs/" + waiting[0], cookie).body()).contains("sign_off").doesNotContain(">Pause</button>")
                .doesNotContain("Cancel now");

        String csrf = console.csrf(cookie);
        HttpResponse<String> refused = console.post("/console/approvals/" + waiting[1] + "/complete", cookie, form("decision", "approve", "_csrf", csrf));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("read-only").contains("<html");
        assertThat(console.post("/console/runs/" + waiting[0] + "/cancel", cookie, form("_csrf", csrf)).statusCode()).isEqualTo(403);
        assertThat(admin.approvals().get(waiting[1]).status()).isEqualTo("pending");
        assertThat(admin.runs().get(waiting[0]).status()).isEqualTo("waiting");
    }

    @Test
    void anotherOrganizationsIdsAreHtmlNotFoundPagesWithNoSideEffect() {
        GriddleClient owner = newOrg();
        UUID[] waiting = ConsoleHttp.waitingRun(owner, "tenancy check");
        String cookie = console.session(newOrg().keys().create(CreateKey.of("outsider", "admin")).secret());
        String csrf = console.csrf(cookie);

        for (String path : new String[] {"/console/runs/" + waiting[0], "/console/runs/" + waiting[0] + "/live", "/console/runs/" + waiting[0] + "/stream"}) {
            HttpResponse<String> page = console.get(path, cookie);
            assertThat(page.statusCode()).as(path).isEqualTo(404);
            assertThat(page.headers().firstValue("Content-Type").orElseThrow()).as(path).startsWith("text/html");
            assertThat(page.body()).as(path).contains("Not found").doesNotContain("tenancy check");
        }
        assertThat(console.get("/console/approvals", cookie).body()).doesNotContain("tenancy check").doesNotContain(waiting[0].toString());
        assertThat(console.get("/console/runs", cookie).body()).doesNotContain(waiting[0].toString());
        for (String action : new String[] {"pause", "cancel", "retry", "resume"}) {
            assertThat(console.post("/console/runs/" + waiting[0] + "/" + action, cookie, form("_csrf", csrf)).statusCode()).as(action).isEqualTo(404);
        }
        assertThat(console.post("/console/approvals/" + waiting[1] + "/complete", cookie, form("decision", "approve", "_csrf", csrf)).statusCode())
                .isEqualTo(404);
        assertThat(owner.approvals().get(waiting[1]).status()).isEqualTo("pending");
        assertThat(owner.runs().get(waiting[0]).status()).isEqualTo("waiting");
    }

    @Test
    void aRunPageShowsEachStepsInputOutputAttemptsTheTraceWaterfallAndTheEventsTimeline() {
        GriddleClient admin = newOrg();
        UUID[] waiting = ConsoleHttp.waitingRun(admin, "page check");
        String cookie = console.session(admin.keys().create(CreateKey.of("v", "viewer")).secret());

        String page = console.get("/console/runs/" + waiting[0], cookie).body();
        assertThat(page).contains("id=\"step-prepare\"").contains("id=\"step-sign_off\"");
        String prepare = page.substring(page.indexOf("id=\"step-prepare\""), page.indexOf("id=\"step-sign_off\""));
        assertThat(prepare).contains("<h3>Input").contains("value").contains("<h3>Output</h3>").contains("<h3>Attempts</h3>")
                .contains("state-succeeded").contains(" ms</td>");
        String trace = page.substring(page.indexOf("<h2>Trace</h2>"), page.indexOf("<h2>Events</h2>"));
        assertThat(trace).contains("class=\"waterfall\"").contains("data-span=\"" + waiting[0] + "\"").contains("data-span=\"prepare#1\"")
                .contains("data-span=\"sign_off#1\"").contains("<rect x=\"");
        String timeline = page.substring(page.indexOf("<h2>Events</h2>"));
        assertThat(timeline).contains("<strong>run_started</strong>").contains("<strong>step_completed</strong> <code>prepare</code>")
                .contains("<strong>approval_requested</strong>");
        assertThat(console.get("/console/runs/" + waiting[0] + "/live", cookie).body()).contains("<h2>Trace</h2>").contains("<h2>Events</h2>");
    }

    @Test
    void aSignInPostNeedsTheFormsCsrfTokenAndItsCookie() {
        GriddleClient admin = newOrg();
        ApiKey key = admin.keys().create(CreateKey.of("console", "viewer"));
        HttpResponse<String> form = console.get("/console/sign-in", null);
        String setCookie = form.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("griddle_console_signin=").contains("HttpOnly").contains("SameSite=Strict");
        String cookie = setCookie.split(";", 2)[0];
        String token = cookie.substring("griddle_console_signin=".length());
        assertThat(form.body()).contains("name=\"_csrf\" value=\"" + token + "\"");

        HttpResponse<String> noCookie = console.post("/console/sign-in", null, form("api_key", key.secret(), "_csrf", token));
        HttpResponse<String> noField = console.post("/console/sign-in", cookie, form("api_key", key.secret()));
        HttpResponse<String> otherField = console.post("/console/sign-in", cookie, form("api_key", key.secret(), "_csrf", token + "x"));
        for (HttpResponse<String> refused : java.util.List.of(noCookie, noField, otherField)) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("stale").contains("API key");
            assertThat(refused.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("griddle_console="));
        }
        assertThat(jdbc.sql("select count(*) from console_sessions where key_id = :k").param("k", key.id()).query(Long.class).single()).isZero();
        HttpResponse<String> good = console.post("/console/sign-in", cookie, form("api_key", key.secret(), "_csrf", token));
        assertThat(good.statusCode()).isEqualTo(303);
    }

    @Test
    void theRunsFeedFiltersByRunnerAndStatusAndItsLiveStreamTellsOfChangesOnlyInTheOrganization() throws Exception {
        GriddleClient admin = newOrg();
        UUID[] first = ConsoleHttp.waitingRun(admin, "feed one");
        UUID[] second = ConsoleHttp.waitingRun(admin, "feed two");
        UUID secondRunner = admin.runs().get(second[0]).runnerId();
        String cookie = console.session(admin.keys().create(CreateKey.of("v", "viewer")).secret());

        String all = console.get("/console/runs", cookie).body();
        assertThat(all).contains(first[0].toString()).contains(second[0].toString()).contains("sse-connect=\"/console/runs/stream\"")
                .contains("<option value=\"" + secondRunner + "\"");
        String one = console.get("/console/runs?runner_id=" + secondRunner, cookie).body();
        assertThat(one).contains(second[0].toString()).doesNotContain(first[0].toString());
        assertThat(console.get("/console/runs?status=succeeded", cookie).body()).doesNotContain(first[0].toString());
        assertThat(console.get("/console/runs?status=waiting&trigger_type=api", cookie).body()).contains(first[0].toString());
        HttpResponse<String> bad = console.get("/console/runs?status=nope", cookie);
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("unknown status").contains("<html");
        assertThat(console.get("/console/runs?from=yesterday", cookie).statusCode()).isEqualTo(422);

        GriddleClient outsider = newOrg();
        String outsiderCookie = console.session(outsider.keys().create(CreateKey.of("o", "viewer")).secret());
        try (ConsoleHttp.Sse mine = console.stream("/console/runs/stream", cookie);
                ConsoleHttp.Sse theirs = console.stream("/console/runs/stream", outsiderCookie)) {
            assertThat(mine.status()).isEqualTo(200);
            admin.approvals().complete(first[1], new dev.griddle.sdk.RunModels.CompleteApproval(true, null, null));
            assertThat(mine.awaitEvent("changed", Duration.ofSeconds(10))).isTrue();
            assertThat(theirs.awaitEvent("changed", Duration.ofSeconds(2))).isFalse();
        }
    }

    @Test
    void theAnalyticsPageShowsRunsSuccessRatePercentilesAndCostByRunnerWithChartsFromTheJar() {
        GriddleClient admin = newOrg();
        UUID[] done = ConsoleHttp.waitingRun(admin, "analytics check");
        admin.approvals().complete(done[1], new dev.griddle.sdk.RunModels.CompleteApproval(true, null, null));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> admin.runs().get(done[0]).status().equals("succeeded"));
        UUID runner = admin.runs().get(done[0]).runnerId();
        String cookie = console.session(admin.keys().create(CreateKey.of("v", "viewer")).secret());

        HttpResponse<String> page = console.get("/console/analytics?window=day", cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<strong id=\"fig-runs\">1</strong>").contains("<strong id=\"fig-success\">100.0%</strong>")
                .containsPattern("<strong id=\"fig-p50\">\\d+ ms</strong>").contains("id=\"runs-chart\"").contains("data-series=\"{")
                .contains("src=\"/webjars/uplot/1.6.30/dist/uPlot.iife.min.js\"").contains("src=\"/console-static/analytics.js\"");
        String byRunner = page.body().substring(page.body().indexOf("id=\"by-runner\""));
        assertThat(byRunner).contains("/console/runs?runner_id=" + runner).contains("1 runs · success 100.0%");
        assertThat(console.get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", null).statusCode()).isEqualTo(200);
        assertThat(console.get("/console-static/analytics.js", null).body()).contains("new uPlot(");
        assertThat(console.get("/console/analytics?window=year", cookie).statusCode()).isEqualTo(422);
        assertThat(console.get("/console/analytics", console.session(newOrg().keys().create(CreateKey.of("o", "viewer")).secret())).body())
                .contains("<strong id=\"fig-runs\">0</strong>").doesNotContain(runner.toString());
    }

    @Test
    void runnersPagesEditValidatePublishDiffAndRunFromTheInputSchema() {
        GriddleClient admin = newOrg();
        var created = admin.raw("POST", "/api/v1/runners", """
                {"name": "console-runner", "input_schema": {"type": "object", "required": ["topic"], "properties": {
                   "topic": {"type": "string", "description": "what to write about"}, "count": {"type": "integer"}, "loud": {"type": "boolean"}}},
                 "steps": [{"id": "echo", "type": "transform", "with": {"value": "{{ input.topic }}"}}]}
                """, Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(ConsoleHttp.read(created.body()).path("id").asString());
        String viewer = console.session(admin.keys().create(CreateKey.of("v", "viewer")).secret());
        String editor = console.session(admin.keys().create(CreateKey.of("c", "contributor")).secret());
        String csrf = console.csrf(editor);
        String path = "/console/runners/" + id;

        assertThat(console.get("/console/runners", viewer).body()).contains("href=\"" + path + "\"").contains("console-runner").contains("unpublished");
        String seen = console.get(path, viewer).body();
        assertThat(seen).contains("name: \"console-runner\"").doesNotContain("<textarea").doesNotContain(">Publish</button>").doesNotContain(">Run</button>");
        String viewerCsrf = console.csrf(viewer);
        for (String action : new String[] {"/draft", "/publish", "/run", "/triggers"}) {
            HttpResponse<String> refused = console.post(path + action, viewer, form("_csrf", viewerCsrf, "yaml", "name: x\nsteps: []", "in.topic", "t"));
            assertThat(refused.statusCode()).as(action).isEqualTo(403);
        }

        String page = console.get(path, editor).body();
        assertThat(page).contains("<label for=\"yaml\">Draft (YAML)</label>").contains("The draft is valid")
                .contains("<label for=\"in-topic\">topic (required)").contains("name=\"in.count\"").contains("type=\"checkbox\"");
        HttpResponse<String> broken = console.post(path + "/draft", editor, form("_csrf", csrf, "yaml", "name: [unclosed"));
        assertThat(broken.statusCode()).isEqualTo(422);
        assertThat(broken.body()).contains("Not valid YAML").contains("name: [unclosed</textarea>");
        HttpResponse<String> invalid = console.post(path + "/draft", editor, form("_csrf", csrf, "yaml",
                "name: console-runner\nsteps:\n  - {id: echo, type: no_such_type}\n"));
        assertThat(invalid.statusCode()).isEqualTo(303);
        assertThat(console.get(path, editor).body()).contains("The draft would not publish").contains("step <code>echo</code>");
        HttpResponse<String> refusedPublish = console.post(path + "/publish", editor, form("_csrf", csrf));
        assertThat(refusedPublish.statusCode()).isEqualTo(422);
        assertThat(refusedPublish.body()).contains("echo").contains("<textarea");
        assertThat(admin.raw("GET", "/api/v1/runners/" + id + "/versions", null, Map.of()).body()).contains("\"data\":[]");

        String v1 = """
                name: console-runner
                input_schema: {type: object, required: [topic], properties: {topic: {type: string}, count: {type: integer}, loud: {type: boolean}}}
                steps:
                  - {id: echo, type: transform, with: {value: "{{ input.topic }}"}}
                """;
        assertThat(console.post(path + "/draft", editor, form("_csrf", csrf, "yaml", v1)).statusCode()).isEqualTo(303);
        assertThat(console.post(path + "/publish", editor, form("_csrf", csrf)).statusCode()).isEqualTo(303);
        assertThat(console.post(path + "/draft", editor, form("_csrf", csrf, "yaml", v1.replace("input.topic", "input.count"))).statusCode()).isEqualTo(303);
        assertThat(console.post(path + "/publish", editor, form("_csrf", csrf)).statusCode()).isEqualTo(303);
        String diff = console.get(path + "?a=1&b=2", editor).body();
        assertThat(diff).contains("Diff v1 → v2").contains("diff-del\">-").contains("input.topic").contains("diff-add\">+").contains("input.count");

        HttpResponse<String> badInput = console.post(path + "/run", editor, form("_csrf", csrf, "in.topic", "x", "in.count", "many"));
        assertThat(badInput.statusCode()).isEqualTo(422);
        assertThat(badInput.body()).contains("count: must be a whole number");
        HttpResponse<String> missing = console.post(path + "/run", editor, form("_csrf", csrf, "in.count", "2"));
        assertThat(missing.statusCode()).isEqualTo(422);
        assertThat(missing.body()).contains("topic: required");
        HttpResponse<String> started = console.post(path + "/run", editor, form("_csrf", csrf, "in.topic", "tides", "in.count", "3", "in.loud", "on"));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(303);
        UUID runId = UUID.fromString(started.headers().firstValue("Location").orElseThrow().substring("/console/runs/".length()));
        var run = admin.runs().get(runId);
        assertThat(run.input().path("topic").asString()).isEqualTo("tides");
        assertThat(run.input().path("count").asLong()).isEqualTo(3);
        assertThat(run.input().path("loud").asBoolean()).isTrue();
        assertThat(run.version()).isEqualTo(2);

        HttpResponse<String> badCron = console.post(path + "/triggers", editor, form("_csrf", csrf, "type", "cron", "schedule", "61 * * * *"));
        assertThat(badCron.statusCode()).isEqualTo(422);
        assertThat(badCron.body()).contains("schedule").contains("role=\"alert\"");
        assertThat(console.post(path + "/triggers", editor, form("_csrf", csrf, "type", "cron", "schedule", "0 9 * * *", "timezone", "Asia/Tokyo"))
                .statusCode()).isEqualTo(303);
        String withCron = console.get(path, editor).body();
        assertThat(withCron).contains("<code>0 9 * * *</code> in Asia/Tokyo").containsPattern("T09:00\\+09:00 Asia/Tokyo</time>");
        assertThat(withCron.split("Asia/Tokyo</time>", -1)).hasSize(6);
        HttpResponse<String> hook = console.post(path + "/triggers", editor, form("_csrf", csrf, "type", "webhook"));
        assertThat(hook.statusCode()).as(hook.body()).isEqualTo(201);
        java.util.regex.Matcher secret = java.util.regex.Pattern.compile("<code id=\"new-secret\">([^<]+)</code>").matcher(hook.body());
        assertThat(secret.find()).isTrue();
        assertThat(hook.body()).contains("/hooks/").contains("this once");
        assertThat(console.get(path, editor).body()).doesNotContain(secret.group(1)).contains("/hooks/");

        String outsider = console.session(newOrg().keys().create(CreateKey.of("o", "admin")).secret());
        String outsiderCsrf = console.csrf(outsider);
        assertThat(console.get(path, outsider).statusCode()).isEqualTo(404);
        assertThat(console.get("/console/runners", outsider).body()).doesNotContain(id.toString());
        for (String action : new String[] {"/draft", "/publish", "/run", "/triggers"}) {
            assertThat(console.post(path + action, outsider, form("_csrf", outsiderCsrf, "yaml", "name: stolen\nsteps: []", "in.topic", "t")).statusCode())
                    .as(action).isEqualTo(404);
        }
        assertThat(admin.raw("GET", "/api/v1/runners/" + id, null, Map.of()).body()).contains("console-runner").doesNotContain("stolen");
    }

    @Test
    void workersForEveryRoleAndKeysProjectsAndSecretsByNameForAdminsOnly() {
        GriddleClient admin = newOrg();
        GriddleClient worker = client(admin.keys().create(CreateKey.of("w", "worker")).secret());
        var reg = worker.raw("POST", "/api/v1/workers", """
                {"name": "console-host", "version": "1.2", "os": "linux", "arch": "amd64", "labels": ["gpu", "eu"], "task_types": ["render"], "max_concurrency": 4}
                """, Map.of());
        assertThat(reg.status()).as(reg.body()).isIn(200, 201);
        admin.secrets().put("CONSOLE_TOKEN", "value-never-shown-" + UUID.randomUUID());
        String viewer = console.session(admin.keys().create(CreateKey.of("viewer-key", "viewer")).secret());
        String adminCookie = console.session(admin.keys().create(CreateKey.of("admin-key", "admin")).secret());

        String workers = console.get("/console/workers", viewer).body();
        assertThat(workers).contains("<td>console-host</td>").contains("<td>gpu, eu</td>").contains("<td>0 / 4 (0%)</td>").contains("<td>render</td>")
                .contains("linux amd64 · 1.2");
        assertThat(console.get("/console/runs", viewer).body()).contains("href=\"/console/workers\"").doesNotContain("href=\"/console/keys\"");
        for (String page : new String[] {"/console/keys", "/console/projects", "/console/secrets"}) {
            HttpResponse<String> refused = console.get(page, viewer);
            assertThat(refused.statusCode()).as(page).isEqualTo(403);
            assertThat(refused.body()).as(page).contains("admin key").contains("<html");
        }
        assertThat(console.get("/console/runs", adminCookie).body()).contains("href=\"/console/keys\"").contains("href=\"/console/secrets\"");
        String keys = console.get("/console/keys", adminCookie).body();
        assertThat(keys).contains("<td>viewer-key</td>").contains("<td>admin-key</td>").contains("grd_");
        String secrets = console.get("/console/secrets", adminCookie).body();
        assertThat(secrets).contains("<td>CONSOLE_TOKEN</td>").doesNotContain("value-never-shown");
        assertThat(console.get("/console/projects", adminCookie).statusCode()).isEqualTo(200);

        String outsider = console.session(newOrg().keys().create(CreateKey.of("o", "admin")).secret());
        assertThat(console.get("/console/workers", outsider).body()).doesNotContain("console-host");
        assertThat(console.get("/console/keys", outsider).body()).doesNotContain("viewer-key");
        assertThat(console.get("/console/secrets", outsider).body()).doesNotContain("CONSOLE_TOKEN");
    }

    @Test
    void theApiKeepsItsJsonEnvelope() {
        var answer = client(null).raw("GET", "/api/v1/runs", null, Map.of());
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body()).contains("\"code\"");
    }
}

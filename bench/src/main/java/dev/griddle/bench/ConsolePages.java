package dev.griddle.bench;

import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.Step;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code console}: how fast the console's pages answer with {@code --runs} (100,000) runs stored.
 * One real run of a new one-step runner is made through the API; then {@code --runs} copies of it
 * (finished, spread over the last 30 days, a tenth failed) are seeded straight into the server's
 * database, in the same organization. The bench signs in to the console as a browser does (the
 * form, its CSRF cookie, the session cookie) and fetches each page {@code --requests} (200) times
 * one at a time after {@code --warmup} (20): the feed's first and a deep page (50 rows each), a
 * filtered feed, a run page, the analytics page for the month, runners, approvals and workers.
 * Latency is the client's over loopback (an upper bound of the server's time). The seeded runs are
 * deleted at the end. {@code --database-url} as for {@code knowledge}.
 */
final class ConsolePages implements Scenario {

    private static final Pattern SIGN_IN_CSRF = Pattern.compile("name=\"_csrf\" value=\"([A-Za-z0-9_-]+)\"");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public void run(Bench bench) throws Exception {
        int runs = (int) bench.options().longValue("runs", 100_000, 1, 5_000_000);
        int requests = (int) bench.options().longValue("requests", 200, 1, 100_000);
        int warmup = (int) bench.options().longValue("warmup", 20, 0, 100_000);
        String database = bench.options().string("database-url", KnowledgeSearch.defaultDatabaseUrl());

        Runner runner = bench.createRunner("console", List.of(Step.of("only", "transform", Report.JSON.createObjectNode().put("value", 1))));
        Run real = bench.griddle().runs().startAndWait(runner.id(), StartRun.of(Report.JSON.createObjectNode()), Duration.ofMinutes(1));
        try (Connection db = DriverManager.getConnection(database)) {
            long s0 = System.nanoTime();
            try (PreparedStatement seed = db.prepareStatement("""
                    insert into runs
                    select (jsonb_populate_record(null::runs, to_jsonb(r) || jsonb_build_object(
                        'id', gen_random_uuid(), 'event_seq', 0,
                        'status', case when g % 10 = 0 then 'failed' else 'succeeded' end,
                        'created_at', now() - make_interval(secs => g * 2592000.0 / ?),
                        'started_at', now() - make_interval(secs => g * 2592000.0 / ?),
                        'finished_at', now() - make_interval(secs => g * 2592000.0 / ?) + interval '1 second'))).*
                    from runs r, generate_series(1, ?) g where r.id = ?
                    """)) {
                seed.setInt(1, runs);
                seed.setInt(2, runs);
                seed.setInt(3, runs);
                seed.setInt(4, runs);
                seed.setObject(5, real.id());
                Report.log("seeded %d runs", seed.executeUpdate());
            }
            double seedSeconds = (System.nanoTime() - s0) / 1e9;
            try (var analyze = db.createStatement()) {
                analyze.execute("analyze runs");
            }
            try {
                String cookie = signIn(bench.url(), bench.options().required("key"));
                Map<String, String> pages = new LinkedHashMap<>();
                pages.put("runs_feed", "/console/runs");
                pages.put("runs_feed_page_1000", "/console/runs?page=1000");
                pages.put("runs_feed_filtered", "/console/runs?status=failed&runner_id=" + runner.id());
                pages.put("run_page", "/console/runs/" + real.id());
                pages.put("analytics_month", "/console/analytics?window=month");
                pages.put("runners", "/console/runners");
                pages.put("approvals", "/console/approvals");
                pages.put("workers", "/console/workers");
                pages.put("sessions", "/console/sessions");
                pages.put("session_templates", "/console/session-templates");
                pages.put("knowledge", "/console/knowledge");
                pages.put("experiments", "/console/experiments");
                for (Map.Entry<String, String> page : pages.entrySet()) {
                    Stats latency = new Stats();
                    long bytes = 0;
                    for (int i = 0; i < warmup + requests; i++) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> answer = get(bench.url() + page.getValue(), cookie);
                        double ms = (System.nanoTime() - t0) / 1e6;
                        if (answer.statusCode() != 200) {
                            throw new IllegalStateException(page.getValue() + " answered " + answer.statusCode() + ": " + answer.body());
                        }
                        if (i >= warmup) {
                            latency.add(ms);
                            bytes = answer.body().length();
                        }
                    }
                    ObjectNode line = bench.report().line("console", bench.options().parameters());
                    line.remove("database-url"); // may hold a password
                    line.put("page", page.getKey()).put("path", page.getValue()).put("stored_runs", runs + 1).put("seed_s", Report.ms(seedSeconds))
                            .put("html_chars", bytes).put("ms_p50", Report.ms(latency.percentile(50))).put("ms_p95", Report.ms(latency.percentile(95)))
                            .put("ms_p99", Report.ms(latency.percentile(99))).put("ms_max", Report.ms(latency.max()));
                    bench.report().print(line);
                }
            } finally {
                try (PreparedStatement delete = db.prepareStatement("delete from runs where runner_id = ? and id <> ?")) {
                    delete.setObject(1, runner.id());
                    delete.setObject(2, real.id());
                    Report.log("deleted %d seeded runs", delete.executeUpdate());
                }
            }
        }
    }

    /** Signs in as the form does: its CSRF cookie and field, then the session cookie. */
    private String signIn(String url, String key) throws Exception {
        HttpResponse<String> form = get(url + "/console/sign-in", null);
        String formCookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        Matcher m = SIGN_IN_CSRF.matcher(form.body());
        if (!m.find()) {
            throw new IllegalStateException("no CSRF field on the sign-in form");
        }
        String body = "api_key=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&_csrf=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/console/sign-in")).header("Cookie", formCookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 303) {
            throw new IllegalStateException("console sign-in answered " + answer.statusCode());
        }
        return answer.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    private HttpResponse<String> get(String url, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.griddle.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A browser's side of the console over plain HTTP: a form post, a cookie, no redirects followed. */
public final class ConsoleHttp {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([0-9a-f]+)\"");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    public ConsoleHttp(String base) {
        this.base = base;
    }

    public HttpResponse<String> get(String path, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request);
    }

    public HttpResponse<String> post(String path, String cookie, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request);
    }

    /** Signs in with {@code apiKey}; returns the response (its Set-Cookie holds the session). */
    public HttpResponse<String> signIn(String apiKey) {
        return post("/console/sign-in", null, Map.of("api_key", apiKey));
    }

    /** The {@code name=value} cookie of a successful sign-in. */
    public String session(String apiKey) {
        HttpResponse<String> answer = signIn(apiKey);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(303);
        return answer.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    /** The CSRF token on a page the session can see. */
    public String csrf(String cookie) {
        Matcher m = CSRF.matcher(get("/console/runs", cookie).body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    public static Map<String, String> form(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /** A run of a new two-step runner (transform, then approval) waiting on its approval: the run id and the approval id. */
    static UUID[] waitingRun(GriddleClient admin, String message) {
        RawResponse runner = admin.raw("POST", "/api/v1/runners", """
                {"name": "console-%s", "steps": [
                  {"id": "prepare", "type": "transform", "with": {"value": {"ok": true}}},
                  {"id": "sign_off", "type": "approval", "needs": ["prepare"], "with": {"message": "%s"}}]}
                """.formatted(UUID.randomUUID(), message), Map.of());
        assertThat(runner.status()).as(runner.body()).isEqualTo(201);
        UUID runnerId = UUID.fromString(read(runner.body()).path("id").asString());
        RawResponse run = admin.raw("POST", "/api/v1/runners/" + runnerId + "/runs", "{\"input\": {}}", Map.of());
        assertThat(run.status()).as(run.body()).isEqualTo(201);
        UUID runId = UUID.fromString(read(run.body()).path("id").asString());
        UUID approval = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode page = read(admin.raw("GET", "/api/v1/runs/" + runId + "/approvals", null, Map.of()).body());
            JsonNode first = page.path("data").path(0);
            return first.isMissingNode() ? null : UUID.fromString(first.path("id").asString());
        }, id -> id != null);
        return new UUID[] {runId, approval};
    }

    static JsonNode read(String body) {
        return JSON.readTree(body);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

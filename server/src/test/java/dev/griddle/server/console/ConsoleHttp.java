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
    private static final Pattern SIGN_IN_CSRF = Pattern.compile("name=\"_csrf\" value=\"([A-Za-z0-9_-]+)\"");
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

    /** A {@code multipart/form-data} post: the form's fields, then one file part {@code file} named {@code fileName}. */
    public HttpResponse<String> postFile(String path, String cookie, Map<String, String> fields, String fileName, byte[] content) {
        String boundary = "griddle" + java.util.UUID.randomUUID().toString().replace("-", "");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        fields.forEach((k, v) -> body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n")
                .getBytes(StandardCharsets.UTF_8)));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request);
    }

    /** Signs in with {@code apiKey}; returns the response (its Set-Cookie holds the session). */
    public HttpResponse<String> signIn(String apiKey) {
        HttpResponse<String> form = get("/console/sign-in", null);
        String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        Matcher m = SIGN_IN_CSRF.matcher(form.body());
        assertThat(m.find()).as(form.body()).isTrue();
        return post("/console/sign-in", cookie, Map.of("api_key", apiKey, "_csrf", m.group(1)));
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

    /** An open event stream: its status, and the event names seen so far. */
    public static final class Sse implements AutoCloseable {
        private final java.util.concurrent.CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response;
        private final java.util.concurrent.BlockingQueue<String> names = new java.util.concurrent.LinkedBlockingQueue<>();
        private volatile HttpResponse<java.util.stream.Stream<String>> open;

        Sse(HttpClient http, HttpRequest request) {
            response = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
            Thread.ofVirtual().start(() -> {
                try {
                    open = response.get(15, java.util.concurrent.TimeUnit.SECONDS);
                    open.body().forEach(line -> {
                        if (line.startsWith("event:")) {
                            names.add(line.substring(6).trim());
                        }
                    });
                } catch (Exception ended) {
                    names.add("(ended)");
                }
            });
        }

        public int status() throws Exception {
            return response.get(15, java.util.concurrent.TimeUnit.SECONDS).statusCode();
        }

        /** Whether an event of this name arrives within {@code wait}. */
        public boolean awaitEvent(String name, Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            for (long left = wait.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                String next = names.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (name.equals(next)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            response.cancel(true);
            if (open != null) {
                open.body().close();
            }
        }
    }

    public Sse stream(String path, String cookie) {
        return new Sse(http, HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie).header("Accept", "text/event-stream").GET().build());
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

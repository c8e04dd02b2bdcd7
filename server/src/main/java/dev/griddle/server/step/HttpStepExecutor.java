package dev.griddle.server.step;

import dev.griddle.server.GriddleProperties;
import dev.griddle.server.outbound.BoundedBody;
import dev.griddle.server.replay.CallTape;
import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.secret.OrgSecrets;
import dev.griddle.server.secret.SecretException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code http} steps: {@code method, url, headers, body, expect_status}. Output
 * {@code {status, headers, body}}, the body parsed when the response is JSON. Sends an
 * {@code Idempotency-Key} of run/step/attempt so receivers can deduplicate re-deliveries.
 * Secret placeholders in url, headers and body become the values here, right before sending; the
 * engine masks them out of the result when it stores it.
 */
@Component
class HttpStepExecutor implements StepExecutor {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");

    private static final int MAX_REDIRECTS = 5;

    // Redirects are followed here, not by the client, so every hop passes the outbound guard.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final JsonMapper json;
    private final OutboundGuard guard;
    private final OrgSecrets secrets;
    private final long maxBodyBytes;

    HttpStepExecutor(JsonMapper json, OutboundGuard guard, OrgSecrets secrets, GriddleProperties props) {
        this.secrets = secrets;
        this.maxBodyBytes = props.engine().maxStepOutput().toBytes();
        this.json = json;
        this.guard = guard;
    }

    @Override
    public String type() {
        return "http";
    }

    @Override
    public StepOutcome execute(StepTask task) throws InterruptedException {
        JsonNode with;
        try {
            with = secrets.reveal(task.secretUse(), task.arguments());
        } catch (SecretException e) {
            return StepOutcome.failed("http: " + e.getMessage(), false);
        }
        String method = with.path("method").asString("GET").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            return StepOutcome.failed("http: unsupported method '" + method + "'", false);
        }
        URI url;
        try {
            url = URI.create(with.path("url").asString(""));
            if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
                return StepOutcome.failed("http: url must be an http(s) URL, was '" + with.path("url").asString("") + "'", false);
            }
        } catch (IllegalArgumentException e) {
            return StepOutcome.failed("http: invalid url: " + e.getMessage(), false);
        }
        // the engine gives every executing step a timeout (its timeout_ms or griddle.engine.step-timeout): the whole exchange, body included, fits in it
        long timeoutMs = task.timeoutMs() == null ? 60_000 : task.timeoutMs();
        long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs).toNanos();
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofMillis(timeoutMs))
                .header("Idempotency-Key", task.idempotencyKey())
                .header("User-Agent", "griddle");
        boolean hasContentType = false;
        for (Map.Entry<String, JsonNode> header : with.path("headers").properties()) {
            request.header(header.getKey(), header.getValue().isString() ? header.getValue().asString() : header.getValue().toString());
            hasContentType |= header.getKey().equalsIgnoreCase("Content-Type");
        }
        JsonNode body = with.get("body");
        if (body == null || body.isNull()) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            if (!hasContentType) {
                request.header("Content-Type", body.isString() ? "text/plain; charset=utf-8" : "application/json");
            }
            request.method(method, HttpRequest.BodyPublishers.ofString(body.isString() ? body.asString() : json.writeValueAsString(body)));
        }
        JsonNode output;
        try {
            URI target = url;
            CallTape tape = CallTape.current();
            output = tape == null ? send(http(target, method, request, body, timeoutMs, deadline))
                    : tape.exchange("http", meaning(task.arguments(), method), () -> send(http(target, method, request, body, timeoutMs, deadline)));
        } catch (Refusal r) {
            return r.failed;
        }
        int status = output.path("status").asInt();
        if (!expected(with.get("expect_status"), status)) {
            boolean retryable = status >= 500 || status == 429 || status == 408;
            return new StepOutcome.Failed("http: " + method + " " + url + " answered " + status, retryable, output);
        }
        return StepOutcome.done(output);
    }

    /** A failure of the exchange itself (refused, too large, unreachable): the step's, and not a recorded call. */
    private static final class Refusal extends RuntimeException {
        final StepOutcome.Failed failed;

        Refusal(StepOutcome.Failed failed) {
            super(failed.message(), null, false, false);
            this.failed = failed;
        }
    }

    /**
     * What the call means, for its fingerprint and the recording (issue #18): method, url, body and
     * headers as the step wrote them (secrets still placeholders), without the volatile or
     * credential headers.
     */
    private ObjectNode meaning(JsonNode arguments, String method) {
        ObjectNode meaning = json.createObjectNode().put("method", method).put("url", arguments.path("url").asString(""));
        ObjectNode headers = meaning.putObject("headers");
        for (Map.Entry<String, JsonNode> header : arguments.path("headers").properties()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!VOLATILE_HEADERS.contains(name) && !name.startsWith("x-b3-")) {
                headers.set(name, header.getValue());
            }
        }
        JsonNode body = arguments.get("body");
        meaning.set("body", body == null ? json.nullNode() : body);
        return meaning;
    }

    private static final Set<String> VOLATILE_HEADERS = Set.of("idempotency-key", "authorization", "proxy-authorization", "cookie", "date",
            "traceparent", "tracestate", "x-request-id", "x-correlation-id", "x-amzn-trace-id", "user-agent", "x-api-key");

    /** Sends the request, following redirects through the outbound guard. */
    private HttpResponse<byte[]> http(URI start, String method, HttpRequest.Builder request, JsonNode body, long timeoutMs, long deadline)
            throws InterruptedException {
        URI url = start;
        try {
            guard.check(url);
            HttpResponse<byte[]> response = BoundedBody.send(http, request.build(), maxBodyBytes, BoundedBody.Overflow.FAIL, deadline);
            for (int hop = 0; isRedirect(response.statusCode()) && hop < MAX_REDIRECTS; hop++) {
                URI next = url.resolve(response.headers().firstValue("Location").orElseThrow());
                guard.check(next);
                boolean keepMethod = response.statusCode() == 307 || response.statusCode() == 308;
                HttpRequest.Builder follow = HttpRequest.newBuilder(next).timeout(Duration.ofMillis(timeoutMs))
                        .header("User-Agent", "griddle");
                follow.method(keepMethod ? method : "GET", keepMethod && body != null && !body.isNull()
                        ? HttpRequest.BodyPublishers.ofString(body.isString() ? body.asString() : json.writeValueAsString(body))
                        : HttpRequest.BodyPublishers.noBody());
                url = next;
                response = BoundedBody.send(http, follow.build(), maxBodyBytes, BoundedBody.Overflow.FAIL, deadline);
            }
            return response;
        } catch (OutboundGuard.Refused e) {
            throw new Refusal(StepOutcome.failed("http: " + e.getMessage(), false));
        } catch (BoundedBody.TooLarge e) {
            throw new Refusal(StepOutcome.failed("http: " + method + " " + url + ": " + e.getMessage() + " (griddle.engine.max-step-output)", false));
        } catch (HttpTimeoutException e) {
            throw new Refusal(StepOutcome.failed("http: " + method + " " + url + " timed out: " + e.getMessage(), true));
        } catch (IOException e) {
            String refused = guard.refusalOf(url.getHost());
            if (refused != null) {
                throw new Refusal(StepOutcome.failed("http: " + refused, false));
            }
            throw new Refusal(StepOutcome.failed("http: " + method + " " + url + " failed: " + e.getMessage(), true));
        }
    }

    /** The step's output: {@code {status, headers, body}}. */
    private JsonNode send(HttpResponse<byte[]> response) {
        ObjectNode output = json.createObjectNode();
        output.put("status", response.statusCode());
        ObjectNode headers = output.putObject("headers");
        response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", values)));
        output.set("body", parseBody(response));
        return output;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private JsonNode parseBody(HttpResponse<byte[]> response) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (contentType.contains("json") && body != null && !body.isBlank()) {
            try {
                return json.readTree(body);
            } catch (RuntimeException notJson) {
                // the server said JSON but sent something else: keep the text
            }
        }
        return json.getNodeFactory().stringNode(body == null ? "" : body);
    }

    private static boolean expected(JsonNode expect, int status) {
        if (expect == null || expect.isNull()) {
            return status >= 200 && status < 300;
        }
        if (expect.isArray()) {
            for (JsonNode e : expect) {
                if (e.asInt() == status) {
                    return true;
                }
            }
            return false;
        }
        return expect.asInt() == status;
    }
}

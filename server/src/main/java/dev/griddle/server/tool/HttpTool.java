package dev.griddle.server.tool;

import dev.griddle.server.expr.ExpressionException;
import dev.griddle.server.expr.Expressions;
import dev.griddle.server.outbound.BoundedBody;
import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.secret.OrgSecrets;
import dev.griddle.server.secret.SecretException;
import dev.griddle.server.secret.SecretMasking;
import dev.griddle.server.secret.SecretUse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A custom HTTP tool: its {@code http} template rendered with the call's arguments as
 * {@code args.<name>}, sent, and answered as {@code {status, body}} (the body parsed when JSON).
 * Any status is a result, for the model to read; only an unreachable server is an error.
 * {@code secrets.<NAME>} renders to a placeholder that becomes the value only in the outgoing
 * request; the result and errors have the organization's secret values masked before anyone (a
 * model, a run, a thread) sees them.
 */
final class HttpTool implements Tool {

    /** The whole call, headers and body; the step around it has its own, usually longer, wall clock. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final StoredTool tool;
    private final Expressions expressions;
    private final HttpClient http;
    private final JsonMapper json;

    private final OutboundGuard guard;
    private final OrgSecrets secrets;
    private final SecretMasking masking;
    private final long maxBodyBytes;

    /** {@code maxBodyBytes}: the longest response body read (a longer one fails the call without being buffered). */
    HttpTool(StoredTool tool, Expressions expressions, HttpClient http, JsonMapper json, OutboundGuard guard, OrgSecrets secrets,
            SecretMasking masking, long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
        this.secrets = secrets;
        this.masking = masking;
        this.guard = guard;
        this.tool = tool;
        this.expressions = expressions;
        this.http = http;
        this.json = json;
    }

    @Override
    public String name() {
        return tool.name();
    }

    @Override
    public String description() {
        return tool.description() == null ? "" : tool.description();
    }

    @Override
    public JsonNode parameters() {
        return tool.parameters();
    }

    @Override
    public JsonNode call(JsonNode arguments, ToolContext context) throws ToolException, InterruptedException {
        try {
            return masking.mask(context.orgId(), send(arguments, context));
        } catch (ToolException e) {
            throw new ToolException(masking.mask(context.orgId(), e.getMessage()), e.retryable());
        }
    }

    private JsonNode send(JsonNode arguments, ToolContext context) throws ToolException, InterruptedException {
        ObjectNode scope = json.createObjectNode();
        scope.set("args", arguments == null ? json.createObjectNode() : arguments);
        // the tool's own template gets placeholders bound to this one call, so a placeholder in the
        // model's arguments (copied from anywhere) is never revealed into the request
        SecretUse use = SecretUse.once(context.orgId(), context.projectId());
        scope.set("secrets", secrets.placeholders(use));
        JsonNode request;
        try {
            request = secrets.reveal(use, expressions.render(tool.http(), scope));
        } catch (ExpressionException | SecretException e) {
            throw new ToolException(name() + ": cannot render the request: " + e.getMessage(), false);
        }
        String method = request.path("method").asString("GET").toUpperCase(Locale.ROOT);
        String url = request.path("url").asString("");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ToolException(name() + ": invalid url '" + url + "'", false);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new ToolException(name() + ": url must be an http(s) URL, was '" + url + "'", false);
        }
        try {
            guard.check(uri);
        } catch (OutboundGuard.Refused e) {
            throw new ToolException(name() + ": " + e.getMessage(), false);
        }
        HttpRequest.Builder out = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("User-Agent", "griddle");
        if (context.idempotencyKey() != null) {
            out.header("Idempotency-Key", context.idempotencyKey());
        }
        boolean hasContentType = false;
        for (Map.Entry<String, JsonNode> h : request.path("headers").properties()) {
            out.header(h.getKey(), h.getValue().isString() ? h.getValue().asString() : h.getValue().toString());
            hasContentType |= h.getKey().equalsIgnoreCase("Content-Type");
        }
        JsonNode body = request.get("body");
        if (body == null || body.isNull() || body.isMissingNode()) {
            out.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            if (!hasContentType) {
                out.header("Content-Type", body.isString() ? "text/plain; charset=utf-8" : "application/json");
            }
            out.method(method, HttpRequest.BodyPublishers.ofString(body.isString() ? body.asString() : json.writeValueAsString(body)));
        }
        HttpResponse<byte[]> response;
        try {
            response = BoundedBody.send(http, out.build(), maxBodyBytes, BoundedBody.Overflow.FAIL, System.nanoTime() + TIMEOUT.toNanos());
        } catch (BoundedBody.TooLarge e) {
            throw new ToolException(name() + ": " + method + " " + uri + ": " + e.getMessage() + " (griddle.engine.max-step-output)", false);
        } catch (HttpTimeoutException e) {
            throw new ToolException(name() + ": " + method + " " + uri + " timed out", true);
        } catch (IOException e) {
            String refused = guard.refusalOf(uri.getHost());
            if (refused != null) {
                throw new ToolException(name() + ": " + refused, false);
            }
            throw new ToolException(name() + ": " + method + " " + uri + " failed: " + e.getMessage(), true);
        }
        ObjectNode result = json.createObjectNode();
        result.put("status", response.statusCode());
        result.set("body", parse(response));
        return result;
    }

    private JsonNode parse(HttpResponse<byte[]> response) {
        String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        if (response.headers().firstValue("Content-Type").orElse("").contains("json") && body != null && !body.isBlank()) {
            try {
                return json.readTree(body);
            } catch (RuntimeException notJson) {
                // keep the text
            }
        }
        return json.getNodeFactory().stringNode(body == null ? "" : body);
    }
}

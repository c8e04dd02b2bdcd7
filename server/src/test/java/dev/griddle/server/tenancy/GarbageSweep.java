package dev.griddle.server.tenancy;

import dev.griddle.server.tenancy.TenancyMatrix.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every documented operation that takes a body, called as its own organization's admin on the
 * tenancy fixture's real resources, fed garbage: malformed JSON, the wrong top-level type, 5,000-deep
 * nesting, a raw NUL byte, the wrong content type and a bad id in the path must be a 4xx; a field set
 * to null, to the wrong type, to a 200 kB string, to a string with a NUL character or to a bad id may
 * also succeed. Nothing may answer 5xx, and every 4xx is the API.md error envelope. A 429 (the
 * sweep's thousands of calls share one key's rate limit) is waited out and the call sent again.
 */
final class GarbageSweep {

    private static final String DEEP = "[".repeat(5_000) + "]".repeat(5_000);
    private static final String BIG = "x".repeat(200 * 1024);

    private final TenancyFixture fixture;
    private final JsonNode document;
    private final String instanceAdminKey;
    private int calls;

    GarbageSweep(TenancyFixture fixture, JsonNode document, String instanceAdminKey) {
        this.fixture = fixture;
        this.document = document;
        this.instanceAdminKey = instanceAdminKey;
    }

    int calls() {
        return calls;
    }

    /** One line per wrong answer. */
    List<String> run(List<Operation> documented) {
        List<Operation> operations = new ArrayList<>(documented.stream().filter(Operation::hasBody).toList());
        operations.sort(Comparator.comparingInt(TenancyMatrix::phase));
        List<String> violations = new ArrayList<>();
        for (Operation op : operations) {
            String path = fixture.matrix.fill(op.template());
            String key = op.template().startsWith("/api/v1/organizations") ? instanceAdminKey : fixture.adminA;
            String good = fixture.matrix.body(op);
            for (Map.Entry<String, String> bad : strict(good).entrySet()) {
                check(violations, op, bad.getKey(), true, send(key, op.method(), path, bad.getValue(), Map.of()));
            }
            check(violations, op, "text/plain body", true, send(key, op.method(), path, good == null ? "{}" : good,
                    Map.of("Content-Type", "text/plain")));
            if (path.matches(".*/[0-9a-f-]{36}(/.*)?")) {
                check(violations, op, "a bad id in the path", true,
                        send(key, op.method(), path.replaceFirst("[0-9a-f-]{36}", "not-a-uuid"), good == null ? "{}" : good, Map.of()));
            }
            for (Map.Entry<String, String> bad : lenient(op, good).entrySet()) {
                check(violations, op, bad.getKey(), false, send(key, op.method(), path, bad.getValue(), Map.of()));
            }
        }
        return violations;
    }

    private MatrixHttp.Answer send(String key, String method, String path, String body, Map<String, String> headers) {
        for (int attempt = 0; ; attempt++) {
            calls++;
            MatrixHttp.Answer answer = fixture.http.send(key, method, path, body, headers);
            if (answer.status() != 429 || attempt == 100) {
                return answer;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return answer;
            }
        }
    }

    /** Bodies no route can take. */
    private static Map<String, String> strict(String good) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("malformed JSON", "{\"name\": ");
        out.put("an array", "[1, 2]");
        out.put("a string", "\"text\"");
        out.put("a number", "42");
        out.put("5,000-deep nesting", DEEP);
        out.put("5,000-deep nesting in an object", "{\"a\": " + DEEP + "}");
        out.put("a raw NUL byte", "{\"name\": \"a\u0000b\"}");
        if (good != null && good.trim().startsWith("{") && good.trim().length() > 2) {
            out.put("a trailing comma", good.trim().substring(0, good.trim().length() - 1) + ",}");
        }
        return out;
    }

    /** The registered body with one field at a time replaced by garbage; the fields come from the body and the operation's schema. */
    private Map<String, String> lenient(Operation op, String good) {
        ObjectNode base = good != null && MatrixHttp.JSON.readTree(good) instanceof ObjectNode o ? o : MatrixHttp.JSON.createObjectNode();
        Set<String> fields = new LinkedHashSet<>(base.propertyNames());
        fields.addAll(schemaFields(op));
        Map<String, String> out = new LinkedHashMap<>();
        out.put("null", "null");
        out.put("{}", "{}");
        for (String field : fields) {
            JsonNode value = base.path(field);
            out.put(field + " = null", with(base, field, "null"));
            out.put(field + " = wrong type", with(base, field, value.isString() || value.isMissingNode() ? "42" : "\"x\""));
            out.put(field + " = [[]]", with(base, field, "[[]]"));
            out.put(field + " = {}", with(base, field, "{}"));
            out.put(field + " = 200 kB", with(base, field, "\"" + BIG + "\""));
            out.put(field + " = NUL inside", with(base, field, "\"a\\u0000b\""));
            out.put(field + " = bad id", with(base, field, field.endsWith("_ids") ? "[\"not-a-uuid\"]" : "\"not-a-uuid\""));
        }
        return out;
    }

    private static String with(ObjectNode base, String field, String json) {
        ObjectNode copy = base.deepCopy();
        copy.set(field, MatrixHttp.JSON.readTree(json));
        return copy.toString();
    }

    /** The top-level property names of the operation's JSON request body, following one {@code $ref}. */
    private Set<String> schemaFields(Operation op) {
        JsonNode schema = document.path("paths").path(op.template()).path(op.method().toLowerCase()).path("requestBody").path("content")
                .path("application/json").path("schema");
        if (schema.has("$ref")) {
            String ref = schema.path("$ref").asString();
            schema = document.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return new LinkedHashSet<>(schema.path("properties").propertyNames());
    }

    private static void check(List<String> violations, Operation op, String what, boolean mustRefuse, MatrixHttp.Answer answer) {
        String as = op.method() + " " + op.template() + " with " + what;
        int status = answer.status();
        if (status >= 500 || mustRefuse && status < 400) {
            violations.add(as + " → " + status + " " + excerpt(answer.body()));
        } else if (status >= 400 && (!answer.contentType().startsWith("application/json") || !answer.json().path("error").path("code").isString()
                || !answer.json().path("meta").path("request_id").isString())) {
            violations.add(as + " → " + status + " outside the envelope: " + excerpt(answer.body()));
        }
    }

    private static String excerpt(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}

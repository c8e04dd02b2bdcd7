package dev.griddle.server.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.server.ApiTest;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.tenancy.TenancyMatrix.Operation;
import dev.griddle.server.tool.mcp.TestMcpServer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every documented operation that takes a body, called as its own organization's admin on the
 * tenancy fixture's real resources, fed garbage: malformed JSON, the wrong top-level type, 5,000-deep
 * nesting, a raw NUL byte, the wrong content type and a bad id in the path must be a 4xx; a field set
 * to null, to the wrong type, to a 200 kB string, to a string with a NUL character or to a bad id may
 * also succeed. Nothing may answer 5xx, and every 4xx is the API.md error envelope.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GarbageSweepTest extends ApiTest {

    private static final String DEEP = "[".repeat(5_000) + "]".repeat(5_000);
    private static final String BIG = "x".repeat(200 * 1024);

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", TenancyMatrixTest.PROVIDER::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> TenancyMatrixTest.MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
        // thousands of calls with one key: a 429 would hide the answer under test
        registry.add("griddle.rate-limit.per-second", () -> "0");
    }

    @Autowired
    JdbcClient jdbc;

    private TestMcpServer mcp;
    private TenancyFixture fixture;
    private JsonNode document;

    @BeforeAll
    void fixture() throws Exception {
        mcp = TestMcpServer.start();
        String database = TestDatabase.seeded("create table orders (id int primary key)");
        MatrixHttp http = new MatrixHttp(baseUrl());
        fixture = TenancyFixture.build(http, INSTANCE_ADMIN_KEY, jdbc, new TenancyFixture.Outside(mcp.url(), database, TenancyMatrixTest.MODEL));
        document = http.send(null, "GET", "/api/v1/openapi.json", null).json();
    }

    @AfterAll
    void stop() throws Exception {
        mcp.close();
    }

    @Test
    void everyWriteRouteAnswersGarbageWithA4xxEnvelope() {
        List<Operation> operations = new ArrayList<>(TenancyMatrixTest.operations(document).stream().filter(Operation::hasBody).toList());
        operations.sort(Comparator.comparingInt(TenancyMatrix::phase));
        assertThat(operations).hasSizeGreaterThan(40);
        List<String> violations = new ArrayList<>();
        int calls = 0;
        for (Operation op : operations) {
            String path = fixture.matrix.fill(op.template());
            String key = op.template().startsWith("/api/v1/organizations") ? INSTANCE_ADMIN_KEY : fixture.adminA;
            String good = fixture.matrix.body(op);
            for (Map.Entry<String, String> bad : strict(good).entrySet()) {
                calls++;
                check(violations, op, bad.getKey(), true, fixture.http.send(key, op.method(), path, bad.getValue()));
            }
            calls++;
            check(violations, op, "text/plain body", true, fixture.http.send(key, op.method(), path, good == null ? "{}" : good,
                    Map.of("Content-Type", "text/plain")));
            if (path.matches(".*/[0-9a-f-]{36}(/.*)?")) {
                calls++;
                check(violations, op, "a bad id in the path", true,
                        fixture.http.send(key, op.method(), path.replaceFirst("[0-9a-f-]{36}", "not-a-uuid"), good == null ? "{}" : good));
            }
            for (Map.Entry<String, String> bad : lenient(op, good).entrySet()) {
                calls++;
                check(violations, op, bad.getKey(), false, fixture.http.send(key, op.method(), path, bad.getValue()));
            }
        }
        int total = calls;
        assertThat(violations).withFailMessage(() -> violations.size() + " of " + total + " garbage calls answered wrongly:\n"
                + String.join("\n", violations)).isEmpty();
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

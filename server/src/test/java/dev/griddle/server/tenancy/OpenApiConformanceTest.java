package dev.griddle.server.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.griddle.server.ApiTest;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.tenancy.TenancyMatrix.Operation;
import dev.griddle.server.thread.FakeStreamingProvider;
import dev.griddle.server.tool.mcp.TestMcpServer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * The served OpenAPI document against what the server really sends: every documented operation
 * is called on the tenancy matrix's fixture ({@link TenancyFixture}: one of each resource, a valid
 * body per write) as its own organization's admin, reads first and deletes last, and once as
 * another organization's admin. Each answer's status must be one the document lists for the
 * operation, and its JSON body must validate (networknt, JSON Schema 2020-12) against the schema
 * the document gives for that status; the outsider's 404 against the error envelope.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiConformanceTest extends ApiTest {

    static final FakeStreamingProvider PROVIDER = new FakeStreamingProvider();

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", PROVIDER::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> TenancyMatrixTest.MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
    }

    @Autowired
    JdbcClient jdbc;

    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
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
    void realResponsesMatchTheDocument() {
        List<Operation> operations = new ArrayList<>(TenancyMatrixTest.operations(document));
        operations.sort(Comparator.comparingInt(TenancyMatrix::phase));
        List<String> violations = new ArrayList<>();
        int validated = 0;
        for (Operation op : operations) {
            String path = fixture.matrix.fill(op.template());
            String query = fixture.matrix.query(op);
            String url = query == null ? path : path + "?" + query;
            String body = fixture.matrix.body(op);
            String key = op.template().startsWith("/api/v1/organizations") ? INSTANCE_ADMIN_KEY : fixture.adminA;
            if (op.template().startsWith("/api/v1/tasks/") || op.template().equals("/api/v1/workers")) {
                key = fixture.workerKey;
            }
            if (body != null) {
                requestBody(violations, op, body);
            }
            validated += check(violations, op, "as A's admin", fixture.http.send(key, op.method(), url, body));
            if (op.template().contains("{") && op.method().equals("GET") && !op.template().startsWith("/hooks/")) {
                validated += check(violations, op, "as B's admin", fixture.http.send(fixture.adminB, op.method(), url, body));
            }
        }
        assertThat(validated).isGreaterThan(operations.size());
        assertThat(violations).withFailMessage(() -> violations.size() + " answers differ from the document:\n" + String.join("\n", violations))
                .isEmpty();
    }

    /** The fixture's body (one the server accepts) must be one the document's request schema accepts. */
    private void requestBody(List<String> violations, Operation op, String body) {
        JsonNode schema = document.path("paths").path(op.template()).path(op.method().toLowerCase()).path("requestBody").path("content")
                .path("application/json").path("schema");
        if (schema.isMissingNode()) {
            if (!op.template().startsWith("/hooks/") && !op.template().endsWith("/upload")) {
                violations.add(op.key() + ": takes a JSON body the document does not describe");
            }
            return;
        }
        schemas.getSchema(withComponents(schema)).validate(MatrixHttp.JSON.readTree(body)).stream().limit(5)
                .forEach(e -> violations.add(op.key() + " request body: " + e));
    }

    private ObjectNode withComponents(JsonNode schema) {
        ObjectNode root = ((ObjectNode) schema).deepCopy();
        root.set("components", document.path("components"));
        return root;
    }

    /** Checks one answer against the operation's documented responses; 1 when a JSON body was validated. */
    private int check(List<String> violations, Operation op, String who, MatrixHttp.Answer answer) {
        String as = op.key() + " " + who + " -> " + answer.status();
        JsonNode responses = document.path("paths").path(op.template()).path(op.method().toLowerCase()).path("responses");
        JsonNode response = responses.path(String.valueOf(answer.status()));
        if (response.isMissingNode()) {
            violations.add(as + ": status not documented (documented: " + responses.propertyNames() + ")" + excerpt(answer));
            return 0;
        }
        response = resolve(response);
        if (answer.stream() || answer.body().isBlank()) {
            return 0;
        }
        if (!answer.contentType().startsWith("application/json")) {
            // a non-JSON body (JSON Lines exports) must be of a content type the document gives that response
            if (!response.path("content").has(answer.contentType().split(";")[0].strip())) {
                violations.add(as + ": sent " + answer.contentType());
            }
            return 0;
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            violations.add(as + ": sent a JSON body the document does not describe");
            return 0;
        }
        List<Error> errors = schemas.getSchema(withComponents(schema)).validate(answer.json());
        errors.stream().limit(5).forEach(e -> violations.add(as + ": " + e));
        return 1;
    }

    private JsonNode resolve(JsonNode response) {
        String ref = response.path("$ref").asString("");
        return ref.startsWith("#/components/responses/") ? document.path("components").path("responses").path(ref.substring(23)) : response;
    }

    private static String excerpt(MatrixHttp.Answer answer) {
        String body = answer.body();
        return body.isBlank() ? "" : ": " + (body.length() > 160 ? body.substring(0, 160) + "…" : body);
    }
}

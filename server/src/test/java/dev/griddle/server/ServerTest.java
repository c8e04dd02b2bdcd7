package dev.griddle.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import dev.griddle.sdk.Models.CreatedOrganization;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.TestPropertySource;

/**
 * The real server on a random port against real PostgreSQL, spoken to over HTTP through the SDK,
 * with the helpers every such test uses. Subclasses say which database: {@link ApiTest} the one
 * shared by most test servers; a test whose server needs one of its own (so that no other cached
 * context's background loops touch its rows) registers {@link #serverProperties} with
 * {@link #databaseOfItsOwn()}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = GriddleApplication.class)
@TestPropertySource(properties = "griddle.outbound-allow=127.0.0.1")
public abstract class ServerTest {

    public static final String INSTANCE_ADMIN_KEY = "grd_live_TestInstanceAdminKey0000000000000000";

    @LocalServerPort
    protected int port;

    /** The properties every test server gets, on {@code database}. */
    public static void serverProperties(DynamicPropertyRegistry registry, Supplier<Object> database) {
        registry.add("griddle.database-url", database);
        registry.add("griddle.bootstrap-admin-key", () -> INSTANCE_ADMIN_KEY);
        registry.add("griddle.engine.drain-timeout", () -> "1s");
        // several cached test contexts share one PostgreSQL: keep each one's pool small
        registry.add("griddle.database-pool-size", () -> "12");
        registry.add("griddle.engine.concurrency", () -> "8");
        registry.add("griddle.http.sse-keep-alive", () -> "1s");
    }

    /** A database made on first use and kept for the test class (hold it in a static field). */
    public static Supplier<Object> databaseOfItsOwn() {
        return new Supplier<>() {
            private String url;

            @Override
            public synchronized Object get() {
                if (url == null) {
                    url = TestDatabase.another();
                }
                return url;
            }
        };
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    protected GriddleClient client(String apiKey) {
        return GriddleClient.builder(baseUrl()).apiKey(apiKey).build();
    }

    protected GriddleClient instanceAdmin() {
        return client(INSTANCE_ADMIN_KEY);
    }

    /** A new organization and a client holding its admin key. */
    protected GriddleClient newOrg() {
        CreatedOrganization org = instanceAdmin().organizations().create("org-" + UUID.randomUUID());
        return client(org.adminKey());
    }

    /** Runs {@code call}, which must fail with this status and envelope code; returns the error. */
    public static GriddleApiException expectError(int status, String code, Runnable call) {
        GriddleApiException e = catchThrowableOfType(GriddleApiException.class, call::run);
        assertThat(e).as("expected %s %s", status, code).isNotNull();
        assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        assertThat(e.requestId()).isNotBlank();
        return e;
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The body of a raw response as a JSON tree. */
    public static JsonNode json(RawResponse response) {
        return JSON.readTree(response.body());
    }

    /** Asserts a raw response is the error envelope with this status and code. */
    public static JsonNode assertEnvelope(RawResponse response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode body = json(response);
        assertThat(body.path("error").path("code").asString()).isEqualTo(code);
        assertThat(body.path("error").path("message").asString()).isNotBlank();
        assertThat(body.path("meta").path("request_id").asString()).isEqualTo(response.header("X-Request-Id").orElseThrow());
        assertThat(body.path("meta").path("timestamp").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("<html");
        return body;
    }
}

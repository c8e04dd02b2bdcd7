package dev.griddle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.server.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every role rule of {@code AuthFilter.denial}, and no key at all, tried with each other spelling
 * of the path Spring would route: percent-encoded letters, {@code ;params}, {@code //}, {@code /./},
 * {@code /../} and an encoded slash. Each is refused in the JSON envelope and writes nothing.
 */
class EncodedPathTest extends ApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    JdbcClient jdbc;

    private RawSocket http;

    @BeforeEach
    void socket() {
        http = new RawSocket(port);
    }

    /** One request a rule refuses in its plain spelling: who sends it, and what it would create. */
    record Forbidden(String rule, String key, String method, String path, String body) {
    }

    /** The spellings of {@code path} that Spring (or Tomcat) would route to it. */
    static List<String> respellings(String path) {
        String[] segments = path.substring(1).split("/");
        String first = segments[0];
        String last = segments[segments.length - 1];
        String rest = path.substring(first.length() + 1);
        String head = path.substring(0, path.length() - last.length());
        return List.of(
                "/%" + Integer.toHexString(first.charAt(0)) + first.substring(1) + rest, // /%61pi/...
                head + "%" + Integer.toHexString(last.charAt(0)).toUpperCase() + last.substring(1), // .../%6Frganizations
                "/" + first + ";x" + rest, // /api;x/...
                path + ";jsessionid=1", // trailing ;param
                "/" + first + "/" + rest, // /api//v1/...
                "/" + first + "/." + rest, // /api/./v1/...
                "/" + first + "/x/.." + rest, // /api/x/../v1/...
                "/" + first + "%2F" + rest.substring(1), // /api%2Fv1/... (Tomcat refuses it before any filter)
                "/" + first + "%2f" + rest.substring(1));
    }

    @Test
    void everyRoleRuleHoldsWhateverThePathSpelling() throws Exception {
        GriddleClient admin = newOrg();
        String adminKey = admin.keys().create(CreateKey.of("second admin", "admin")).secret();
        String contributor = admin.keys().create(CreateKey.of("c", "contributor")).secret();
        String viewer = admin.keys().create(CreateKey.of("v", "viewer")).secret();
        String worker = admin.keys().create(CreateKey.of("w", "worker")).secret();
        List<Forbidden> rules = List.of(
                new Forbidden("no key: create an organization", null, "POST", "/api/v1/organizations", "{\"name\": \"evil\"}"),
                new Forbidden("no key: list organizations", null, "GET", "/api/v1/organizations", null),
                new Forbidden("no key: create a project", null, "POST", "/api/v1/projects", "{\"name\": \"evil\"}"),
                new Forbidden("organizations are the instance admin's", adminKey, "POST", "/api/v1/organizations", "{\"name\": \"evil\"}"),
                new Forbidden("organizations are the instance admin's", adminKey, "GET", "/api/v1/organizations", null),
                new Forbidden("keys are the admin's", contributor, "POST", "/api/v1/keys", "{\"name\": \"evil\", \"role\": \"admin\"}"),
                new Forbidden("keys are the admin's", contributor, "GET", "/api/v1/keys", null),
                new Forbidden("viewers only read", viewer, "POST", "/api/v1/projects", "{\"name\": \"evil\"}"),
                new Forbidden("viewers only read", viewer, "POST", "/api/v1/keys", "{\"name\": \"evil\", \"role\": \"admin\"}"),
                new Forbidden("workers only use the worker protocol", worker, "GET", "/api/v1/projects", null),
                new Forbidden("workers only use the worker protocol", worker, "POST", "/api/v1/projects", "{\"name\": \"evil\"}"));

        long organizations = count("organizations");
        long keys = count("api_keys");
        long projects = count("projects");
        List<String> failures = new ArrayList<>();
        for (Forbidden rule : rules) {
            RawSocket.Answer plain = http.send(rule.method(), rule.path(), rule.key(), rule.body());
            assertThat(plain.status()).as(rule + " in its plain spelling").isIn(401, 403);
            for (String path : respellings(rule.path())) {
                RawSocket.Answer answer = http.send(rule.method(), path, rule.key(), rule.body());
                String problem = check(answer);
                if (problem != null) {
                    failures.add(rule.rule() + ": " + rule.method() + " " + path + " -> " + answer.status() + " " + problem + " " + answer.body());
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(count("organizations")).as("no organization was created").isEqualTo(organizations);
        assertThat(count("api_keys")).as("no key was created").isEqualTo(keys);
        assertThat(count("projects")).as("no project was created").isEqualTo(projects);
    }

    @Test
    void oddSpellingsAre400InvalidPathEvenOutsideTheApi() throws Exception {
        for (String path : List.of("/%61pi/v1/projects", "/api;x/v1/projects", "/api//v1/projects", "/api/./v1/projects", "/api/x/../v1/projects",
                "/h%6Fooks/" + UUID.randomUUID(), "/healthz;x", "/%68ealthz", "/metrics/.", "/docs//x")) {
            RawSocket.Answer answer = http.send("GET", path, null, null);
            assertThat(answer.status()).as(path).isEqualTo(400);
            JsonNode body = envelope(answer, path);
            assertThat(body.path("error").path("code").asString()).as(path).isEqualTo("INVALID_PATH");
            assertThat(body.path("error").path("message").asString()).as(path).contains("is refused");
        }
    }

    @Test
    void whatTomcatRefusesBeforeAnyFilterIsTheEnvelopeToo() throws Exception {
        for (String path : List.of("/api%2Fv1/projects", "/api/v1%5Cprojects", "/hooks%2Fx", "/healthz%2F", "/metrics%2F", "/docs%2F",
                "/../etc/passwd", "/api/v1/keys%00", "/api/v1/{id}", "/api/v1/a|b")) {
            RawSocket.Answer answer = http.send("POST", path, null, "{}");
            assertThat(answer.status()).as(path).isEqualTo(400);
            JsonNode body = envelope(answer, path);
            assertThat(body.path("error").path("code").asString()).as(path).isIn("INVALID_PATH", "BAD_REQUEST");
        }
    }

    @Test
    void plainSpellingsStillWorkAndOnlyTheExactOpenApiPathIsPublic() throws Exception {
        GriddleClient admin = newOrg();
        String key = admin.keys().create(CreateKey.of("reader", "viewer")).secret();
        assertThat(http.send("GET", "/api/v1/projects", key, null).status()).isEqualTo(200);
        assertThat(http.send("GET", "/healthz", null, null).status()).isEqualTo(200);
        assertThat(http.send("GET", "/api/v1/openapi.json", null, null).status()).isEqualTo(200);
        for (String near : List.of("/api/v1/openapi.json/x", "/api/v1/openapi.jsonx", "/api/v1/openapi.json.yaml")) {
            RawSocket.Answer answer = http.send("GET", near, null, null);
            assertThat(answer.status()).as(near).isEqualTo(401);
            envelope(answer, near);
        }
        // rate limiting and the Caller still apply to the routed path
        assertThat(http.send("GET", "/api/v1/projects", key, null).headers()).containsKey("x-ratelimit-remaining");
    }

    /** Why this answer is not an acceptable refusal, or null when it is. */
    private static String check(RawSocket.Answer answer) {
        if (answer.status() != 400 && answer.status() != 401 && answer.status() != 403 && answer.status() != 404) {
            return "not a refusal";
        }
        if (!answer.contentType().startsWith("application/json") || answer.body().contains("<html")) {
            return "not JSON";
        }
        JsonNode body = JSON.readTree(answer.body());
        if (body.path("error").path("code").asString().isEmpty() || body.path("meta").path("request_id").asString().isEmpty()) {
            return "not the envelope";
        }
        return null;
    }

    private static JsonNode envelope(RawSocket.Answer answer, String path) {
        assertThat(answer.contentType()).as(path + ": " + answer.body()).startsWith("application/json");
        assertThat(answer.body()).as(path).doesNotContain("<html").doesNotContain("Exception");
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("error").path("message").asString()).as(path).isNotBlank();
        assertThat(body.path("meta").path("request_id").asString()).as(path).isEqualTo(answer.headers().get("x-request-id"));
        assertThat(body.path("meta").path("timestamp").asString()).as(path).isNotBlank();
        return body;
    }

    private long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }
}

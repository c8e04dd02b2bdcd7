package dev.griddle.sdk;

import dev.griddle.sdk.Models.Secret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /api/v1/secrets}: values go in with {@link #put} and never come back; listing shows names,
 * project ids and timestamps only.
 */
public final class SecretsClient {

    private final Transport http;

    SecretsClient(Transport http) {
        this.http = http;
    }

    public Page<Secret> list(PageRequest page) {
        return http.page("/api/v1/secrets?" + page.query(), Secret.class);
    }

    public Secret get(String name) {
        return http.call("GET", path(name), null, Secret.class);
    }

    /** Creates the secret or replaces its value; a new one is available to every project, a replaced one keeps its projects. */
    public Secret put(String name, String value) {
        return http.call("PUT", path(name), Map.of("value", value), Secret.class);
    }

    /** Creates or replaces the secret, available only to runs of {@code projectIds} (empty = every project). */
    public Secret put(String name, String value, List<UUID> projectIds) {
        return http.call("PUT", path(name), Map.of("value", value, "project_ids", projectIds), Secret.class);
    }

    public void delete(String name) {
        http.send("DELETE", path(name), null, Map.of());
    }

    private static String path(String name) {
        return "/api/v1/secrets/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

package dev.griddle.sdk;

import dev.griddle.sdk.Models.Secret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code /api/v1/secrets}: values go in with {@link #put} and never come back; listing shows names
 * and timestamps only.
 */
public final class SecretsClient {

    private final Transport http;

    SecretsClient(Transport http) {
        this.http = http;
    }

    public Page<Secret> list(PageRequest page) {
        return http.page("/api/v1/secrets?" + page.query(), Secret.class);
    }

    /** Creates the secret or replaces its value. */
    public Secret put(String name, String value) {
        return http.call("PUT", path(name), Map.of("value", value), Secret.class);
    }

    public void delete(String name) {
        http.send("DELETE", path(name), null, Map.of());
    }

    private static String path(String name) {
        return "/api/v1/secrets/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

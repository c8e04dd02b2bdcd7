package dev.griddle.sdk;

import dev.griddle.sdk.Models.ApiKey;
import dev.griddle.sdk.Models.CreateKey;
import java.util.UUID;

/** {@code /api/v1/keys} (admin keys only). */
public final class KeysClient {

    private final Transport http;

    KeysClient(Transport http) {
        this.http = http;
    }

    /** Creates a key; the returned {@link ApiKey#secret()} is the only time the secret is shown. */
    public ApiKey create(CreateKey key) {
        return http.call("POST", "/api/v1/keys", key, ApiKey.class);
    }

    public Page<ApiKey> list(PageRequest page) {
        return http.page("/api/v1/keys?" + page.query(), ApiKey.class);
    }

    public ApiKey get(UUID id) {
        return http.call("GET", "/api/v1/keys/" + id, null, ApiKey.class);
    }

    /** Revokes the key: it stops working at once, on every node. */
    public void revoke(UUID id) {
        http.send("DELETE", "/api/v1/keys/" + id, null, java.util.Map.of());
    }
}

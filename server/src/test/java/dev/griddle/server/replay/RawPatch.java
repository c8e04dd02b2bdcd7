package dev.griddle.server.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import java.util.Map;
import java.util.UUID;

/** A runner draft changed through {@code PATCH /runners/{id}} with a JSON body written in the test. */
final class RawPatch {

    private RawPatch() {
    }

    static void patch(GriddleClient client, UUID runnerId, String json) {
        var response = client.send("PATCH", "/api/v1/runners/" + runnerId, json, Map.of("Content-Type", "application/json"));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }
}

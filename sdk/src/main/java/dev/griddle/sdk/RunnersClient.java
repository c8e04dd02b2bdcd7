package dev.griddle.sdk;

import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.RunnerInput;
import dev.griddle.sdk.RunnerModels.RunnerVersion;
import dev.griddle.sdk.RunnerModels.ValidationResult;
import java.util.Map;
import java.util.UUID;

/** {@code /api/v1/runners}: drafts, validation and immutable versions. */
public final class RunnersClient {

    private final Transport http;

    RunnersClient(Transport http) {
        this.http = http;
    }

    public Runner create(RunnerInput runner) {
        return http.call("POST", "/api/v1/runners", runner, Runner.class);
    }

    /** Creates a runner from a YAML document (the same fields as JSON). */
    public Runner createYaml(String yaml) {
        RawResponse response = http.raw("POST", "/api/v1/runners", yaml, "application/yaml", Map.of());
        if (response.status() >= 400) {
            throw Transport.error(response);
        }
        return Transport.JSON.readValue(response.body(), Runner.class);
    }

    public Page<Runner> list(PageRequest page) {
        return http.page("/api/v1/runners?" + page.query(), Runner.class);
    }

    public Page<Runner> list(UUID projectId, PageRequest page) {
        return http.page("/api/v1/runners?project_id=" + projectId + "&" + page.query(), Runner.class);
    }

    public Runner get(UUID id) {
        return http.call("GET", "/api/v1/runners/" + id, null, Runner.class);
    }

    public Runner update(UUID id, RunnerInput changes) {
        return http.call("PATCH", "/api/v1/runners/" + id, changes, Runner.class);
    }

    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/runners/" + id, null, Map.of());
    }

    /** Dry-run validation of the draft. */
    public ValidationResult validate(UUID id) {
        return http.call("POST", "/api/v1/runners/" + id + "/validate", null, ValidationResult.class);
    }

    /** Publishes the draft; when it equals the latest version, that version is returned and nothing new is made. */
    public RunnerVersion publish(UUID id) {
        return http.call("POST", "/api/v1/runners/" + id + "/versions", null, RunnerVersion.class);
    }

    /** Published versions, newest first. */
    public Page<RunnerVersion> versions(UUID id, PageRequest page) {
        return http.page("/api/v1/runners/" + id + "/versions?" + page.query(), RunnerVersion.class);
    }

    public RunnerVersion version(UUID id, int version) {
        return http.call("GET", "/api/v1/runners/" + id + "/versions/" + version, null, RunnerVersion.class);
    }
}

package dev.griddle.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.Models.ProjectInput;
import dev.griddle.sdk.PageRequest;
import dev.griddle.server.ApiTest;
import org.junit.jupiter.api.Test;

class TenancyTest extends ApiTest {

    @Test
    void anotherOrganizationsResourcesAreNotFound() {
        GriddleClient a = newOrg();
        GriddleClient b = newOrg();
        var project = a.projects().create("secret-project", "a's");
        var key = a.keys().create(CreateKey.of("a-key", "viewer"));

        expectError(404, "NOT_FOUND", () -> b.projects().get(project.id()));
        expectError(404, "NOT_FOUND", () -> b.projects().update(project.id(), new ProjectInput("stolen", null)));
        expectError(404, "NOT_FOUND", () -> b.projects().delete(project.id()));
        expectError(404, "NOT_FOUND", () -> b.projects().members(project.id()));
        expectError(404, "NOT_FOUND", () -> b.keys().get(key.id()));
        expectError(404, "NOT_FOUND", () -> b.keys().revoke(key.id()));
        assertThat(b.projects().list(PageRequest.first()).data()).isEmpty();

        assertThat(a.projects().get(project.id()).name()).isEqualTo("secret-project");
        assertThat(a.keys().get(key.id()).revokedAt()).isNull();
    }
}

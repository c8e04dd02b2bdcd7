package dev.griddle.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.Project;
import dev.griddle.sdk.Models.ProjectInput;
import dev.griddle.sdk.PageRequest;
import dev.griddle.server.ApiTest;
import org.junit.jupiter.api.Test;

class ProjectsTest extends ApiTest {

    @Test
    void crud() {
        GriddleClient admin = newOrg();
        Project created = admin.projects().create("support", "Ticket pipelines");
        assertThat(created.id()).isNotNull();
        assertThat(created.createdAt()).isNotNull();

        Project renamed = admin.projects().update(created.id(), new ProjectInput("helpdesk", null));
        assertThat(renamed.name()).isEqualTo("helpdesk");
        assertThat(renamed.description()).isEqualTo("Ticket pipelines");

        var members = admin.projects().members(created.id());
        assertThat(members.runners()).isEmpty();
        assertThat(members.agents()).isEmpty();

        admin.projects().delete(created.id());
        expectError(404, "NOT_FOUND", () -> admin.projects().get(created.id()));
    }

    @Test
    void namesAreUniquePerOrganization() {
        GriddleClient admin = newOrg();
        admin.projects().create("dup", null);
        expectError(409, "CONFLICT", () -> admin.projects().create("dup", null));
        newOrg().projects().create("dup", null);
    }

    @Test
    void listsPage() {
        GriddleClient admin = newOrg();
        for (int i = 0; i < 5; i++) {
            admin.projects().create("p" + i, null);
        }
        var page = admin.projects().list(PageRequest.of(2, 2));
        assertThat(page.data()).extracting(Project::name).containsExactly("p2", "p3");
        assertThat(page.meta().total()).isEqualTo(5);
        assertThat(page.meta().pages()).isEqualTo(3);
        assertThat(page.meta().page()).isEqualTo(2);
        assertThat(page.meta().perPage()).isEqualTo(2);
        assertThat(admin.projects().list(PageRequest.of(9, 2)).data()).isEmpty();
    }
}

package dev.griddle.sdk;

import dev.griddle.sdk.Models.Project;
import dev.griddle.sdk.Models.ProjectInput;
import dev.griddle.sdk.Models.ProjectMembers;
import java.util.UUID;

/** {@code /api/v1/projects}. */
public final class ProjectsClient {

    private final Transport http;

    ProjectsClient(Transport http) {
        this.http = http;
    }

    public Project create(String name, String description) {
        return http.call("POST", "/api/v1/projects", new ProjectInput(name, description), Project.class);
    }

    public Page<Project> list(PageRequest page) {
        return http.page("/api/v1/projects?" + page.query(), Project.class);
    }

    public Project get(UUID id) {
        return http.call("GET", "/api/v1/projects/" + id, null, Project.class);
    }

    public Project update(UUID id, ProjectInput changes) {
        return http.call("PATCH", "/api/v1/projects/" + id, changes, Project.class);
    }

    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/projects/" + id, null, java.util.Map.of());
    }

    public ProjectMembers members(UUID id) {
        return http.call("GET", "/api/v1/projects/" + id + "/members", null, ProjectMembers.class);
    }
}

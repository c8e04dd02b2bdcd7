package dev.griddle.server.auth;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/projects}. Names are unique per organization. */
@RestController
@RequestMapping("/api/v1/projects")
public class ProjectController {

    record ProjectBody(String name, String description) {
    }

    private final ProjectStore projects;
    private final List<ProjectMembers> members;
    private final Clock clock;

    ProjectController(ProjectStore projects, List<ProjectMembers> members, Clock clock) {
        this.projects = projects;
        this.members = members;
        this.clock = clock;
    }

    @Operation(summary = "Create a project", description = "{name}; unique in the organization. Needs a key for all projects.")
    @PostMapping
    ResponseEntity<Project> create(Caller caller, @RequestBody ProjectBody body) {
        if (!caller.allProjects()) {
            throw ApiException.forbidden("A key limited to some projects may not create projects");
        }
        validate(body, true);
        String name = body.name().strip();
        if (projects.findByName(caller.orgId(), name).isPresent()) {
            throw ApiException.conflict("A project named '" + name + "' already exists");
        }
        UUID id = UUID.randomUUID();
        projects.insert(caller.orgId(), id, name, body.description(), clock.instant());
        return ResponseEntity.created(URI.create("/api/v1/projects/" + id)).body(projects.find(caller.orgId(), id).orElseThrow());
    }

    @Operation(summary = "List projects", description = "The projects the key sees, paged.")
    @GetMapping
    public PageQuery.Paged<Project> list(Caller caller, PageQuery page) {
        return page.result(projects.list(caller, page), projects.count(caller));
    }

    @Operation(summary = "Get a project", description = "Its id, name and creation time.")
    @GetMapping("/{id}")
    Project get(Caller caller, @PathVariable UUID id) {
        return projects.visible(caller, id).orElseThrow(() -> ApiException.notFound("project", id));
    }

    @Operation(summary = "Rename a project", description = "{name}; unique in the organization.")
    @PatchMapping("/{id}")
    Project update(Caller caller, @PathVariable UUID id, @RequestBody ProjectBody body) {
        Project current = get(caller, id);
        validate(body, false);
        String name = body.name() == null ? current.name() : body.name().strip();
        if (!name.equals(current.name()) && projects.findByName(caller.orgId(), name).isPresent()) {
            throw ApiException.conflict("A project named '" + name + "' already exists");
        }
        String description = body.description() == null ? current.description() : body.description();
        Instant now = clock.instant();
        projects.update(caller.orgId(), id, name, description, now);
        return get(caller, id);
    }

    @Operation(summary = "Delete a project", description = "Only an empty one: a project that still has runners or agents is 409. 204.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        get(caller, id);
        for (ProjectMembers m : members) {
            if (!m.members(caller.orgId(), id).isEmpty()) {
                throw ApiException.conflict("Project " + id + " still has " + m.kind() + "; move or delete them first");
            }
        }
        projects.delete(caller.orgId(), id);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "List a project's members", description = "Its agents and runners.")
    @GetMapping("/{id}/members")
    Map<String, List<ProjectMembers.Member>> members(Caller caller, @PathVariable UUID id) {
        get(caller, id);
        Map<String, List<ProjectMembers.Member>> out = new java.util.TreeMap<>();
        out.put("agents", List.of());
        out.put("runners", List.of());
        for (ProjectMembers m : members) {
            out.put(m.kind(), m.members(caller.orgId(), id));
        }
        return out;
    }

    private static void validate(ProjectBody body, boolean creating) {
        FieldErrors errors = new FieldErrors();
        if (creating || body.name() != null) {
            errors.required("name", body.name());
        }
        errors.maxLength("name", body.name(), 200).maxLength("description", body.description(), 10_000).throwIfAny();
    }
}

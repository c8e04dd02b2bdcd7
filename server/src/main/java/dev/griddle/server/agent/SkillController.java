package dev.griddle.server.agent;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
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

/** {@code /api/v1/skills}: CRUD of skills, which runners and agents attach through {@code .../skills}. */
@RestController
@RequestMapping("/api/v1/skills")
class SkillController {

    record SkillBody(String name, String description, String instructions) {
    }

    record SkillView(UUID id, String name, String description, String instructions, Instant createdAt, Instant updatedAt) {
        static SkillView of(Skill s) {
            return new SkillView(s.id(), s.name(), s.description(), s.instructions(), s.createdAt(), s.updatedAt());
        }
    }

    private final SkillStore skills;
    private final Clock clock;

    SkillController(SkillStore skills, Clock clock) {
        this.skills = skills;
        this.clock = clock;
    }

    @Operation(summary = "Create a skill", description = "{name, description, instructions}. Needs a key for all projects.")
    @PostMapping
    ResponseEntity<SkillView> create(Caller caller, @RequestBody SkillBody body) {
        caller.requireAllProjects("create skills");
        check(body, true);
        String name = body.name().strip();
        if (skills.nameTaken(caller.orgId(), name, null)) {
            throw ApiException.conflict("A skill named '" + name + "' already exists");
        }
        Instant now = clock.instant();
        Skill skill = new Skill(UUID.randomUUID(), caller.orgId(), name, body.description(), body.instructions(), now, now);
        skills.insert(skill);
        return ResponseEntity.created(URI.create("/api/v1/skills/" + skill.id())).body(SkillView.of(skill));
    }

    @Operation(summary = "List skills", description = "Org-wide: every key of the organization sees them, paged.")
    @GetMapping
    PageQuery.Paged<SkillView> list(Caller caller, PageQuery page) {
        return page.result(skills.list(caller.orgId(), page.perPage(), page.offset()).stream().map(SkillView::of).toList(),
                skills.count(caller.orgId()));
    }

    @Operation(summary = "Get a skill", description = "{id, name, description, instructions}.")
    @GetMapping("/{id}")
    SkillView get(Caller caller, @PathVariable UUID id) {
        return SkillView.of(find(caller, id));
    }

    @Operation(summary = "Update a skill", description = "Fields left out keep their value.")
    @PatchMapping("/{id}")
    SkillView update(Caller caller, @PathVariable UUID id, @RequestBody SkillBody body) {
        Skill current = find(caller, id);
        caller.requireAllProjects("change skills");
        check(body, false);
        String name = body.name() == null ? current.name() : body.name().strip();
        if (!name.equals(current.name()) && skills.nameTaken(caller.orgId(), name, id)) {
            throw ApiException.conflict("A skill named '" + name + "' already exists");
        }
        Skill updated = new Skill(id, caller.orgId(), name, body.description() == null ? current.description() : body.description(),
                body.instructions() == null ? current.instructions() : body.instructions(), current.createdAt(), clock.instant());
        skills.update(updated);
        return SkillView.of(updated);
    }

    @Operation(summary = "Delete a skill", description = "Detaches it from every runner and agent. 204.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        find(caller, id);
        caller.requireAllProjects("delete skills");
        skills.delete(caller.orgId(), id);
        return ResponseEntity.noContent().build();
    }

    private Skill find(Caller caller, UUID id) {
        return skills.find(caller.orgId(), id).orElseThrow(() -> ApiException.notFound("skill", id));
    }

    private static void check(SkillBody body, boolean creating) {
        FieldErrors errors = new FieldErrors();
        SkillChecks.check(body, creating, "", errors);
        errors.throwIfAny();
    }
}

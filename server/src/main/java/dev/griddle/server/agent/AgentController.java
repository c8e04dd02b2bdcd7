package dev.griddle.server.agent;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Audit;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.Objects;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/agents}: CRUD and bring-your-own provider keys ({@code /credentials}, write-only). */
@RestController
@RequestMapping("/api/v1/agents")
class AgentController {

    record AgentBody(String name, String description, String model, String instructions, Double temperature, UUID projectId) {
    }

    record AgentView(UUID id, String name, String description, String model, String instructions, Double temperature, UUID projectId,
            Instant createdAt, Instant updatedAt) {
        static AgentView of(Agent a) {
            return new AgentView(a.id(), a.name(), a.description(), a.model(), a.instructions(), a.temperature(), a.projectId(), a.createdAt(),
                    a.updatedAt());
        }
    }

    /** Provider keys an agent may bring; a null leaves a key as it is, an empty string removes it. */
    record CredentialsBody(String openaiApiKey, String anthropicApiKey) {
    }

    static final Set<String> CREDENTIALS = Set.of("openai_api_key", "anthropic_api_key");

    private final AgentStore agents;
    private final AgentDirectory directory;
    private final AgentChecks checks;
    private final AgentCredentials credentials;
    private final Clock clock;

    AgentController(AgentStore agents, AgentDirectory directory, AgentChecks checks, AgentCredentials credentials, Clock clock) {
        this.agents = agents;
        this.directory = directory;
        this.checks = checks;
        this.credentials = credentials;
        this.clock = clock;
    }

    @Operation(summary = "Create an agent",
            description = "{name, description, model, instructions, temperature, project_id}; names are unique per project. 201 with the "
                    + "agent and its Location.")
    @PostMapping
    ResponseEntity<AgentView> create(Caller caller, @RequestBody AgentBody body) {
        check(caller, body, true);
        if (agents.nameTaken(caller.orgId(), body.projectId(), body.name().strip(), null)) {
            throw ApiException.conflict("An agent named '" + body.name().strip() + "' already exists");
        }
        Instant now = clock.instant();
        Agent agent = new Agent(UUID.randomUUID(), caller.orgId(), body.projectId(), body.name().strip(), body.description(), body.model(),
                body.instructions(), body.temperature(), null, now, now);
        agents.insert(agent);
        return ResponseEntity.created(URI.create("/api/v1/agents/" + agent.id())).body(AgentView.of(agent));
    }

    @Operation(summary = "List agents", description = "The agents of the projects the key sees, paged.")
    @GetMapping
    PageQuery.Paged<AgentView> list(Caller caller, PageQuery page, @RequestParam(name = "project_id", required = false) UUID projectId) {
        return page.result(agents.list(caller, projectId, page.perPage(), page.offset()).stream().map(AgentView::of).toList(),
                agents.count(caller, projectId));
    }

    @Operation(summary = "Get an agent", description = "The agent's settings; provider keys are never returned (see its credentials).")
    @GetMapping("/{id}")
    AgentView get(Caller caller, @PathVariable UUID id) {
        return AgentView.of(find(caller, id));
    }

    @Operation(summary = "Update an agent", description = "Fields left out keep their value; a new name must stay unique in its project.")
    @PatchMapping("/{id}")
    AgentView update(Caller caller, @PathVariable UUID id, @RequestBody AgentBody body) {
        Agent current = find(caller, id);
        check(caller, body, false);
        String name = body.name() == null ? current.name() : body.name().strip();
        UUID project = body.projectId() == null ? current.projectId() : body.projectId();
        if ((!name.equals(current.name()) || !Objects.equals(project, current.projectId())) && agents.nameTaken(caller.orgId(), project, name, id)) {
            throw ApiException.conflict("An agent named '" + name + "' already exists");
        }
        Agent updated = new Agent(id, caller.orgId(), body.projectId() == null ? current.projectId() : body.projectId(), name,
                body.description() == null ? current.description() : body.description(), body.model() == null ? current.model() : body.model(),
                body.instructions() == null ? current.instructions() : body.instructions(),
                body.temperature() == null ? current.temperature() : body.temperature(), current.credentials(), current.createdAt(), clock.instant());
        agents.update(updated);
        return AgentView.of(updated);
    }

    @Operation(summary = "Delete an agent", description = "Removes the agent with its connections and credentials. 204.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        find(caller, id);
        agents.delete(caller.orgId(), id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/credentials")
    @Operation(summary = "Which provider keys the agent has", description = "{openai_api_key: true|false, ...}; keys are never returned.")
    Map<String, Boolean> credentials(Caller caller, @PathVariable UUID id) {
        Map<String, String> stored = directory.credentials(find(caller, id));
        Map<String, Boolean> out = new TreeMap<>();
        CREDENTIALS.forEach(k -> out.put(k, stored.containsKey(k)));
        return out;
    }

    @PutMapping("/{id}/credentials")
    @Operation(summary = "Set the agent's own provider keys", description = "Encrypted at rest, never returned. A field left out keeps its key; "
            + "an empty string removes it.")
    Map<String, Boolean> putCredentials(Caller caller, @PathVariable UUID id, @RequestBody CredentialsBody body) {
        Agent agent = find(caller, id);
        agents.setCredentials(caller.orgId(), id, credentials.seal(AgentCredentials.merged(directory.credentials(agent), body)));
        Audit.record(caller, "agent.credentials", id);
        return credentials(caller, id);
    }

    Agent find(Caller caller, UUID id) {
        return agents.find(caller.orgId(), id).filter(a -> caller.sees(a.projectId())).orElseThrow(() -> ApiException.notFound("agent", id));
    }

    private void check(Caller caller, AgentBody body, boolean creating) {
        FieldErrors errors = new FieldErrors();
        checks.check(caller, body, creating, "", errors);
        errors.throwIfAny();
    }
}

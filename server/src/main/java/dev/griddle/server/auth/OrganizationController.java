package dev.griddle.server.auth;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Audit;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.web.RevealsSecret;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/organizations}: instance admin only (the auth filter's role rules, and each handler again). */
@RestController
@RequestMapping("/api/v1/organizations")
class OrganizationController {

    record CreateOrganization(String name) {
    }

    /** The create response: the organization and its first admin key's secret, shown once. */
    record CreatedOrganization(UUID id, String name, Instant createdAt, String adminKey) {
    }

    private static final String MANAGE = "manage organizations";

    private final OrganizationStore organizations;
    private final Clock clock;

    OrganizationController(OrganizationStore organizations, Clock clock) {
        this.organizations = organizations;
        this.clock = clock;
    }

    @Operation(summary = "Create an organization",
            description = "{name} -> 201 {id, name, admin_key}; the admin key is shown once. Instance admin only.")
    @PostMapping
    @RevealsSecret
    ResponseEntity<CreatedOrganization> create(Caller caller, @RequestBody CreateOrganization body) {
        caller.requireInstanceAdmin(MANAGE);
        new FieldErrors().required("name", body.name()).maxLength("name", body.name(), 200).throwIfAny();
        String secret = KeySecrets.generate();
        OrganizationStore.Organization org = organizations.create(body.name().strip(), secret, false, clock.instant());
        Audit.record(caller, "organization.create", org.id());
        return ResponseEntity.created(URI.create("/api/v1/organizations/" + org.id()))
                .body(new CreatedOrganization(org.id(), org.name(), org.createdAt(), secret));
    }

    @Operation(summary = "List organizations", description = "Every organization of the instance, paged. Instance admin only.")
    @GetMapping
    PageQuery.Paged<OrganizationStore.Organization> list(Caller caller, PageQuery page) {
        caller.requireInstanceAdmin(MANAGE);
        return page.result(organizations.list(page), organizations.count());
    }

    @Operation(summary = "Get an organization", description = "Its id, name and creation time. Instance admin only.")
    @GetMapping("/{id}")
    OrganizationStore.Organization get(Caller caller, @PathVariable UUID id) {
        caller.requireInstanceAdmin(MANAGE);
        return organizations.find(id).orElseThrow(() -> ApiException.notFound("organization", id));
    }
}

package dev.griddle.server.auth;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
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

/** {@code /api/v1/organizations}: instance admin only (enforced by the auth filter). */
@RestController
@RequestMapping("/api/v1/organizations")
class OrganizationController {

    record CreateOrganization(String name) {
    }

    /** The create response: the organization and its first admin key's secret, shown once. */
    record CreatedOrganization(UUID id, String name, Instant createdAt, String adminKey) {
    }

    private final OrganizationStore organizations;
    private final Clock clock;

    OrganizationController(OrganizationStore organizations, Clock clock) {
        this.organizations = organizations;
        this.clock = clock;
    }

    @PostMapping
    ResponseEntity<CreatedOrganization> create(@RequestBody CreateOrganization body) {
        new FieldErrors().required("name", body.name()).maxLength("name", body.name(), 200).throwIfAny();
        String secret = KeySecrets.generate();
        OrganizationStore.Organization org = organizations.create(body.name().strip(), secret, false, clock.instant());
        return ResponseEntity.created(URI.create("/api/v1/organizations/" + org.id()))
                .body(new CreatedOrganization(org.id(), org.name(), org.createdAt(), secret));
    }

    @GetMapping
    PageQuery.Paged<OrganizationStore.Organization> list(PageQuery page) {
        return page.result(organizations.list(page), organizations.count());
    }

    @GetMapping("/{id}")
    OrganizationStore.Organization get(@PathVariable UUID id) {
        return organizations.find(id).orElseThrow(() -> ApiException.notFound("organization", id));
    }
}

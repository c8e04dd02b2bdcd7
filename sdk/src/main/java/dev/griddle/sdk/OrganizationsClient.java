package dev.griddle.sdk;

import dev.griddle.sdk.Models.CreatedOrganization;
import dev.griddle.sdk.Models.Organization;
import java.util.Map;
import java.util.UUID;

/** {@code /api/v1/organizations} (the instance admin key only). */
public final class OrganizationsClient {

    private final Transport http;

    OrganizationsClient(Transport http) {
        this.http = http;
    }

    public CreatedOrganization create(String name) {
        return http.call("POST", "/api/v1/organizations", Map.of("name", name), CreatedOrganization.class);
    }

    public Page<Organization> list(PageRequest page) {
        return http.page("/api/v1/organizations?" + page.query(), Organization.class);
    }

    public Organization get(UUID id) {
        return http.call("GET", "/api/v1/organizations/" + id, null, Organization.class);
    }
}

package dev.griddle.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.ApiKey;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.server.ApiTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An admin key limited to some projects sees and revokes only keys limited to projects among its own. */
class KeyVisibilityTest extends ApiTest {

    @Test
    void aProjectLimitedAdminManagesOnlyKeysWithinItsProjects() {
        GriddleClient admin = newOrg();
        UUID a = admin.projects().create("a", null).id();
        UUID b = admin.projects().create("b", null).id();
        ApiKey orgAdmin = admin.keys().list(PageRequest.first()).data().getFirst();
        ApiKey limitedAdmin = admin.keys().create(new CreateKey("admin of a", "admin", List.of(a), null));
        ApiKey inA = admin.keys().create(new CreateKey("in a", "viewer", List.of(a), null));
        ApiKey inB = admin.keys().create(new CreateKey("in b", "viewer", List.of(b), null));
        ApiKey inAandB = admin.keys().create(new CreateKey("in a and b", "viewer", List.of(a, b), null));
        ApiKey everywhere = admin.keys().create(CreateKey.of("everywhere", "contributor"));
        GriddleClient limited = client(limitedAdmin.secret());

        var listed = limited.keys().list(PageRequest.of(1, 100));
        assertThat(listed.data()).extracting(ApiKey::id).containsExactlyInAnyOrder(limitedAdmin.id(), inA.id());
        assertThat(listed.meta().total()).isEqualTo(2);
        assertThat(limited.keys().get(inA.id()).name()).isEqualTo("in a");
        for (ApiKey hidden : List.of(orgAdmin, inB, inAandB, everywhere)) {
            expectError(404, "NOT_FOUND", () -> limited.keys().get(hidden.id()));
            expectError(404, "NOT_FOUND", () -> limited.keys().revoke(hidden.id()));
            assertThat(admin.keys().get(hidden.id()).revokedAt()).as(hidden.name() + " was not revoked").isNull();
        }
        // the instance admin's key of the default organization is out of reach too
        ApiKey instanceKey = instanceAdmin().keys().list(PageRequest.of(1, 100)).data().stream()
                .filter(k -> k.name().equals("bootstrap admin")).findFirst().orElseThrow();
        expectError(404, "NOT_FOUND", () -> limited.keys().revoke(instanceKey.id()));

        limited.keys().revoke(inA.id());
        assertThat(admin.keys().get(inA.id()).revokedAt()).isNotNull();
        // an admin for all projects still sees and manages every key of its organization
        assertThat(admin.keys().list(PageRequest.of(1, 100)).meta().total()).isEqualTo(6);
        admin.keys().revoke(inB.id());
    }
}

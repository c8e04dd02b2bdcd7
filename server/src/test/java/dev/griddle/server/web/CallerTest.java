package dev.griddle.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The handlers' own role checks, the second line behind the auth filter's path rules. */
class CallerTest {

    private static Caller caller(Role role, boolean instanceAdmin) {
        return new Caller(UUID.randomUUID(), UUID.randomUUID(), role, null, instanceAdmin);
    }

    @Test
    void onlyAdminsPassRequireAdmin() {
        caller(Role.ADMIN, false).requireAdmin("manage API keys");
        new Caller(UUID.randomUUID(), UUID.randomUUID(), Role.ADMIN, Set.of(UUID.randomUUID()), false).requireAdmin("manage API keys");
        for (Role role : new Role[] {Role.CONTRIBUTOR, Role.VIEWER, Role.WORKER}) {
            ApiException e = catchThrowableOfType(ApiException.class, () -> caller(role, false).requireAdmin("manage API keys"));
            assertThat(e.status().value()).isEqualTo(403);
            assertThat(e.getMessage()).contains(role.wireName(), "manage API keys");
        }
    }

    @Test
    void onlyTheInstanceAdminPassesRequireInstanceAdmin() {
        caller(Role.ADMIN, true).requireInstanceAdmin("manage organizations");
        ApiException e = catchThrowableOfType(ApiException.class, () -> caller(Role.ADMIN, false).requireInstanceAdmin("manage organizations"));
        assertThat(e.status().value()).isEqualTo(403);
        assertThat(e.code()).isEqualTo("FORBIDDEN");
    }
}

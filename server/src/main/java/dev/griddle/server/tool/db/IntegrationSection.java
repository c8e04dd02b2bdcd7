package dev.griddle.server.tool.db;

import dev.griddle.server.apply.Action;
import dev.griddle.server.apply.Applied;
import dev.griddle.server.apply.Bundle;
import dev.griddle.server.apply.BundleSection;
import dev.griddle.server.apply.Planned;
import dev.griddle.server.secret.SecretBox;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The {@code integrations} section of an apply bundle, upserted by name with the API's rules. The
 * password is write-only: sealed like the API does; left out (or null) it keeps the stored one (none
 * on create); compared by decrypting the stored one, so re-applying the same password is no change.
 */
@Component
class IntegrationSection implements BundleSection {

    private static final Set<String> FIELDS = Set.of("name", "kind", "url", "username", "password");

    private final IntegrationStore store;
    private final IntegrationChecks checks;
    private final SecretBox secrets;
    private final Clock clock;

    IntegrationSection(IntegrationStore store, IntegrationChecks checks, SecretBox secrets, Clock clock) {
        this.store = store;
        this.checks = checks;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public String section() {
        return "integrations";
    }

    @Override
    public String kind() {
        return "integration";
    }

    @Override
    public Optional<UUID> findByKey(Caller caller, String key) {
        return store.findByName(caller.orgId(), key).map(Integration::id);
    }

    @Override
    public boolean exists(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).isPresent();
    }

    @Override
    public List<Planned> plan(Bundle bundle, JsonNode objects) {
        return Planned.orgWide(bundle.caller(), section(), bundle.planEach(this, objects, IntegrationController.IntegrationBody.class, FIELDS,
                IntegrationController.IntegrationBody::name, (body, prefix, errors) -> {
                    checks.check(body, prefix, errors);
                    store.findByName(bundle.caller().orgId(), body.name())
                            .ifPresent(current -> checks.checkPasswordFollows(current, body, body.password() != null, prefix, errors));
                }, body -> plan(bundle, body)));
    }

    private Planned plan(Bundle bundle, IntegrationController.IntegrationBody body) {
        UUID orgId = bundle.caller().orgId();
        Instant now = clock.instant();
        Optional<Integration> existing = store.findByName(orgId, body.name());
        if (existing.isEmpty()) {
            Integration created = new Integration(bundle.idFor(kind(), body.name()), orgId, body.name(), body.kind(), body.url(), body.username(),
                    body.password() == null ? null : secrets.encrypt(body.password()), now, now);
            readOnly(bundle, created);
            return new Planned(Action.CREATE, Applied.of(kind(), body.name(), created.id(), null), () -> store.insert(created));
        }
        Integration current = existing.get();
        List<String> changed = new ArrayList<>();
        if (!current.kind().equals(body.kind())) {
            changed.add("kind");
        }
        if (!current.url().equals(body.url())) {
            changed.add("url");
        }
        if (!Objects.equals(current.username(), body.username())) {
            changed.add("username");
        }
        String sealed = current.passwordSealed();
        if (body.password() != null && !samePassword(current.passwordSealed(), body.password())) {
            changed.add("password");
            sealed = secrets.encrypt(body.password());
        }
        if (changed.isEmpty()) {
            return Planned.unchanged(Applied.of(kind(), body.name(), current.id(), null));
        }
        Integration updated = new Integration(current.id(), orgId, body.name(), body.kind(), body.url(), body.username(), sealed,
                current.createdAt(), now);
        readOnly(bundle, updated);
        return new Planned(Action.UPDATE, Applied.of(kind(), body.name(), current.id(), changed), () -> store.update(updated));
    }

    private void readOnly(Bundle bundle, Integration candidate) {
        FieldErrors errors = new FieldErrors();
        checks.checkH2ReadOnly(candidate, section() + "[" + candidate.name() + "].", errors);
        bundle.problems(kind(), candidate.name(), errors);
    }

    private boolean samePassword(String sealed, String password) {
        if (sealed == null) {
            return false;
        }
        try {
            return secrets.decrypt(sealed).equals(password);
        } catch (IllegalStateException sealedWithAnotherKey) {
            return false;
        }
    }
}

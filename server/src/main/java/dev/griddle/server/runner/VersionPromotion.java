package dev.griddle.server.runner;

import java.util.UUID;
import org.springframework.stereotype.Component;

/** Publishes a version staged for a publish gate once its experiment passed (when the gated publish had stopped waiting for it). */
@Component
public class VersionPromotion {

    private final RunnerVersions versions;

    VersionPromotion(RunnerVersions versions) {
        this.versions = versions;
    }

    /** Makes {@code version} the runner's latest published version, unless a later one already is. */
    public void promote(UUID orgId, UUID runnerId, int version) {
        versions.promote(orgId, runnerId, version);
    }
}

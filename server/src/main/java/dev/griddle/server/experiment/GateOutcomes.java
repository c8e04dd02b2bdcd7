package dev.griddle.server.experiment;

import dev.griddle.server.runner.VersionPromotion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What a completed gate experiment does: at or above the gate's {@code min_pass_rate} its version
 * is published. The gated {@code POST /runners/{id}/versions} publishes it too when it is still
 * waiting; this covers the publish that answered 202.
 */
@Component
class GateOutcomes {

    private static final Logger log = LoggerFactory.getLogger(GateOutcomes.class);

    private final VersionPromotion promotion;

    GateOutcomes(VersionPromotion promotion) {
        this.promotion = promotion;
    }

    static boolean passes(ExperimentStore.Experiment e, Summary summary) {
        return e.gateMinPassRate() != null && summary.passRate() != null && summary.passRate() >= e.gateMinPassRate().doubleValue();
    }

    void completed(ExperimentStore.Experiment e, Summary summary) {
        if (passes(e, summary)) {
            promotion.promote(e.orgId(), e.runnerId(), e.version());
            log.info("Runner {}: version {} published past its gate (experiment {}, pass_rate {})", e.runnerId(), e.version(), e.id(), summary.passRate());
        }
    }
}

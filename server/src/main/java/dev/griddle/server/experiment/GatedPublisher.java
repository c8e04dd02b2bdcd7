package dev.griddle.server.experiment;

import dev.griddle.server.runner.PublishGate;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The gate's check of a candidate version: an experiment (live mode) of it over the gate's dataset
 * with the gate's evaluators, the latest published version as its baseline, waited for up to
 * {@code griddle.experiments.gate-wait}.
 */
@Component
class GatedPublisher implements PublishGate {

    private static final long POLL_MS = 200;

    private final PublishGateStore gates;
    private final Experiments experiments;
    private final ExperimentStore store;
    private final Clock clock;
    private final ExperimentProperties props;

    GatedPublisher(PublishGateStore gates, Experiments experiments, ExperimentStore store, Clock clock, ExperimentProperties props) {
        this.gates = gates;
        this.experiments = experiments;
        this.store = store;
        this.clock = clock;
        this.props = props;
    }

    @Override
    public Verdict check(Caller caller, UUID runnerId, int candidate, Integer baseline) {
        PublishGateStore.Gate gate = gates.find(caller.orgId(), runnerId).orElseThrow(() -> ApiException.notFound("publish gate of runner", runnerId));
        ExperimentStore.Experiment e = experiments.create(caller, new Experiments.CreateExperiment(gate.datasetId(), runnerId, candidate, baseline,
                "live", gate.evaluators(), null, null), gate.minPassRate());
        Instant deadline = clock.instant().plus(props.gateWait());
        while (!e.terminal() && clock.instant().isBefore(deadline)) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
            e = store.byId(e.id()).orElseThrow();
        }
        double min = gate.minPassRate().doubleValue();
        if (!e.terminal()) {
            return new Verdict(e.id(), e.status(), null, min, false, null);
        }
        Summary summary = Summary.of(store.cases(e.id()));
        boolean passed = e.status().equals("completed") && GateOutcomes.passes(e, summary);
        return new Verdict(e.id(), e.status(), e.status().equals("completed") ? summary.passRate() : null, min, passed, e.error());
    }
}

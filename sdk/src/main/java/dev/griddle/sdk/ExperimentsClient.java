package dev.griddle.sdk;

import dev.griddle.sdk.ExperimentModels.Experiment;
import dev.griddle.sdk.ExperimentModels.PublishGate;
import dev.griddle.sdk.ExperimentModels.StartExperiment;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** {@code /api/v1/experiments} and runners' publish gates: a version run over a dataset and evaluated against its baseline. */
public final class ExperimentsClient {

    private final Transport http;

    ExperimentsClient(Transport http) {
        this.http = http;
    }

    /** Queues the experiment; {@link #await} waits for it. */
    public Experiment start(StartExperiment request) {
        return http.call("POST", "/api/v1/experiments", request, Experiment.class);
    }

    public Page<Experiment> list(PageRequest page) {
        return http.page("/api/v1/experiments?" + page.query(), Experiment.class);
    }

    /** The experiment with its summary and cases. */
    public Experiment get(UUID id) {
        return http.call("GET", "/api/v1/experiments/" + id, null, Experiment.class);
    }

    public Experiment cancel(UUID id) {
        return http.call("POST", "/api/v1/experiments/" + id + "/cancel", null, Experiment.class);
    }

    /** Polls until the experiment has ended or the timeout passes; returns the last state seen. */
    public Experiment await(UUID id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        long sleep = 20;
        while (true) {
            Experiment e = get(id);
            if (e.finished() || Instant.now().isAfter(deadline)) {
                return e;
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return e;
            }
            sleep = Math.min(sleep * 2, 500);
        }
    }

    public PublishGate gate(UUID runnerId) {
        return http.call("GET", "/api/v1/runners/" + runnerId + "/publish-gate", null, PublishGate.class);
    }

    public PublishGate setGate(UUID runnerId, PublishGate gate) {
        return http.call("PUT", "/api/v1/runners/" + runnerId + "/publish-gate", gate, PublishGate.class);
    }

    public void deleteGate(UUID runnerId) {
        http.send("DELETE", "/api/v1/runners/" + runnerId + "/publish-gate", null, Map.of());
    }
}

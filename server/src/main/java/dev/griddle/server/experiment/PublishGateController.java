package dev.griddle.server.experiment;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Audit;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import io.swagger.v3.oas.annotations.Operation;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/runners/{id}/publish-gate}: the experiment a runner's draft must pass to be published (issue #18). */
@RestController
class PublishGateController {

    record GateBody(UUID datasetId, BigDecimal minPassRate, JsonNode evaluators) {
    }

    record GateView(UUID runnerId, UUID datasetId, BigDecimal minPassRate, JsonNode evaluators, Instant updatedAt) {
        static GateView of(PublishGateStore.Gate g) {
            return new GateView(g.runnerId(), g.datasetId(), g.minPassRate(), g.evaluators(), g.updatedAt());
        }
    }

    private final PublishGateStore gates;
    private final Datasets datasets;
    private final EvaluatorParser parser;
    private final Clock clock;

    PublishGateController(PublishGateStore gates, Datasets datasets, EvaluatorParser parser, Clock clock) {
        this.gates = gates;
        this.datasets = datasets;
        this.parser = parser;
        this.clock = clock;
    }

    @GetMapping("/api/v1/runners/{id}/publish-gate")
    @Operation(summary = "Get a runner's publish gate", description = "{runner_id, dataset_id, min_pass_rate, evaluators}; 404 when the runner has none.")
    GateView get(Caller caller, @PathVariable UUID id) {
        datasets.runnerProject(caller, id);
        return gates.find(caller.orgId(), id).map(GateView::of).orElseThrow(() -> ApiException.notFound("Runner " + id + " has no publish gate"));
    }

    @PutMapping("/api/v1/runners/{id}/publish-gate")
    @Operation(summary = "Set a runner's publish gate", description = "{dataset_id, min_pass_rate (0..1), evaluators}. From then on the draft "
            + "is published only by POST /runners/{id}/versions, after an experiment of it over the dataset passes at min_pass_rate or above; "
            + "runs started without a version (API, cron, webhooks, apply) use the latest published version instead of publishing the draft.")
    GateView put(Caller caller, @PathVariable UUID id, @RequestBody GateBody body) {
        FieldErrors errors = new FieldErrors();
        errors.required("dataset_id", body.datasetId());
        if (body.minPassRate() == null || body.minPassRate().signum() < 0 || body.minPassRate().compareTo(BigDecimal.ONE) > 0) {
            errors.add("min_pass_rate", "required: a number from 0 to 1" + (body.minPassRate() == null ? "" : ", was " + body.minPassRate()));
        }
        parser.parse(body.evaluators(), "evaluators", errors);
        errors.throwIfAny();
        datasets.runnerProject(caller, id);
        DatasetStore.Dataset dataset = datasets.visible(caller, body.datasetId());
        if (!dataset.runnerId().equals(id)) {
            throw ApiException.fieldErrors(Map.of("dataset_id", List.of("dataset " + dataset.id() + " is of runner " + dataset.runnerId() + ", not " + id)));
        }
        PublishGateStore.Gate gate = new PublishGateStore.Gate(id, dataset.id(), body.minPassRate(),
                body.evaluators() == null ? tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode() : body.evaluators(), clock.instant());
        gates.put(caller.orgId(), gate);
        Audit.record(caller, "runner.publish_gate_set", id, Map.of("dataset_id", dataset.id()));
        return GateView.of(gate);
    }

    @DeleteMapping("/api/v1/runners/{id}/publish-gate")
    @Operation(summary = "Remove a runner's publish gate", description = "Runs without a version publish the draft first again. 204; 404 when it had none.")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        datasets.runnerProject(caller, id);
        if (!gates.delete(caller.orgId(), id)) {
            throw ApiException.notFound("Runner " + id + " has no publish gate");
        }
        Audit.record(caller, "runner.publish_gate_delete", id);
        return ResponseEntity.noContent().build();
    }
}

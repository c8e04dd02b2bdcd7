package dev.griddle.sdk;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Datasets, experiments and publish gates (issue #18). */
public final class ExperimentModels {

    private ExperimentModels() {
    }

    /** A case as given: {@code input}, and optionally the output a version should give. */
    public record CaseInput(JsonNode input, JsonNode expected) {
    }

    /** {@code recordedCalls}: the calls of the case's recording copy (0 for a given case). */
    public record DatasetCase(UUID id, JsonNode input, JsonNode expected, UUID sourceRunId, int recordedCalls, Instant createdAt) {
    }

    /** {@code cases} is null in lists. */
    public record Dataset(UUID id, String name, UUID runnerId, UUID projectId, long caseCount, long sizeBytes, Instant createdAt,
            List<DatasetCase> cases) {
    }

    public record CreateDataset(String name, UUID runnerId, List<CaseInput> cases, List<UUID> fromRuns) {
        public static CreateDataset fromRuns(String name, UUID runnerId, List<UUID> runs) {
            return new CreateDataset(name, runnerId, null, runs);
        }

        public static CreateDataset ofCases(String name, UUID runnerId, List<CaseInput> cases) {
            return new CreateDataset(name, runnerId, cases, null);
        }
    }

    public record AddCases(List<CaseInput> cases, List<UUID> fromRuns) {
    }

    public record CaseList(List<DatasetCase> data) {
    }

    /**
     * {@code evaluators}: {@code [{type: equals|json_subset|cel|similarity|llm_judge, name?, ...}]}; {@code mode} live or replay;
     * {@code version} null for the latest published one.
     */
    public record StartExperiment(UUID datasetId, UUID runnerId, Integer version, Integer baselineVersion, String mode, JsonNode evaluators,
            BigDecimal maxCostUsd, Integer maxParallel) {
        public static StartExperiment of(UUID datasetId, UUID runnerId, Integer version, JsonNode evaluators) {
            return new StartExperiment(datasetId, runnerId, version, null, "live", evaluators, null, null);
        }

        public StartExperiment mode(String mode) {
            return new StartExperiment(datasetId, runnerId, version, baselineVersion, mode, evaluators, maxCostUsd, maxParallel);
        }

        public StartExperiment baselineVersion(Integer baseline) {
            return new StartExperiment(datasetId, runnerId, version, baseline, mode, evaluators, maxCostUsd, maxParallel);
        }

        public StartExperiment maxCostUsd(BigDecimal max) {
            return new StartExperiment(datasetId, runnerId, version, baselineVersion, mode, evaluators, max, maxParallel);
        }

        public StartExperiment maxParallel(Integer max) {
            return new StartExperiment(datasetId, runnerId, version, baselineVersion, mode, evaluators, maxCostUsd, max);
        }
    }

    public record Evaluation(String name, boolean passed, double score, String reason) {
    }

    /** Deltas: the version's figure minus the baseline's, over the cases that have both. */
    public record Summary(int cases, int finished, Double passRate, Double baselinePassRate, BigDecimal costUsd, BigDecimal costUsdDelta,
            Long latencyMsP50, Long latencyMsP50Delta, Long tokensDelta, BigDecimal evaluationCostUsd) {
    }

    /** {@code diff}: an RFC 6902 JSON Patch from {@code baselineOutput} to {@code output}. */
    public record ExperimentCase(UUID caseId, JsonNode input, JsonNode expected, String status, JsonNode output, JsonNode baselineOutput, JsonNode diff,
            List<Evaluation> evaluations, List<Evaluation> baselineEvaluations, Boolean passed, Boolean baselinePassed, BigDecimal costUsd,
            Long durationMs, Long tokens, BigDecimal baselineCostUsd, Long baselineDurationMs, Long baselineTokens, UUID runId, String runStatus,
            UUID baselineRunId) {
    }

    /** {@code status}: queued, running, completed, failed, cancelled; {@code cases} null in lists. */
    public record Experiment(UUID id, UUID datasetId, UUID runnerId, UUID projectId, int version, Integer baselineVersion, String mode,
            JsonNode evaluators, BigDecimal maxCostUsd, int maxParallel, String status, String error, BigDecimal gateMinPassRate, Summary summary,
            Instant createdAt, Instant startedAt, Instant finishedAt, List<ExperimentCase> cases) {

        public boolean finished() {
            return !status.equals("queued") && !status.equals("running");
        }
    }

    public record PublishGate(UUID runnerId, UUID datasetId, BigDecimal minPassRate, JsonNode evaluators, Instant updatedAt) {
        public static PublishGate of(UUID datasetId, BigDecimal minPassRate, JsonNode evaluators) {
            return new PublishGate(null, datasetId, minPassRate, evaluators, null);
        }
    }
}

package dev.griddle.cli;

import dev.griddle.cli.Output.Column;
import dev.griddle.sdk.ExperimentModels.Experiment;
import dev.griddle.sdk.ExperimentModels.ExperimentCase;
import dev.griddle.sdk.ExperimentModels.StartExperiment;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunnerModels.Runner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** {@code experiment run}: a runner version over a dataset, for CI pipelines (exit 1 below {@code --fail-under}). */
@Command(name = "experiment", description = "Experiments: run a runner version over a dataset and compare it with the cases' baseline.",
        subcommands = ExperimentCommand.Run.class)
final class ExperimentCommand {

    @Command(name = "run", description = "Start an experiment, wait for it, print its summary and cases; exit 1 when it failed or its pass rate "
            + "is below --fail-under.")
    static final class Run implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--dataset", required = true, paramLabel = "ID", description = "The dataset's id")
        String dataset;

        @Option(names = "--runner", required = true, paramLabel = "NAME|ID", description = "The runner")
        String runner;

        @Option(names = "--version", paramLabel = "N", description = "The version to try (default: the latest published one)")
        Integer version;

        @Option(names = "--baseline-version", paramLabel = "N", description = "Runs for the cases that have no expected output")
        Integer baselineVersion;

        @Option(names = "--mode", paramLabel = "live|replay", description = "replay answers every call from the cases' recordings (default live)")
        String mode;

        @Option(names = "--evaluators", paramLabel = "JSON|@FILE", description = "The evaluators, a JSON list (default: equals)")
        String evaluators;

        @Option(names = "--max-cost-usd", paramLabel = "USD", description = "The experiment's budget")
        java.math.BigDecimal maxCostUsd;

        @Option(names = "--fail-under", paramLabel = "RATE", description = "Exit 1 when the pass rate is below this (0..1)")
        Double failUnder;

        @Option(names = "--timeout", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Give up waiting after this long and exit 4 (default: no limit)")
        Duration timeout;

        @Override
        public Integer call() {
            if (failUnder != null && (failUnder < 0 || failUnder > 1)) {
                throw new ParameterException(spec.commandLine(), "--fail-under must be between 0 and 1, was " + failUnder);
            }
            UUID datasetId = RunnerRef.uuidOrNull(dataset);
            if (datasetId == null) {
                throw new ParameterException(spec.commandLine(), "--dataset '" + dataset + "' is not an id");
            }
            JsonNode checks = evaluators == null ? null : parse(evaluators);
            GriddleCli app = GriddleCli.of(spec);
            GriddleClient client = app.client();
            Runner target = RunnerRef.resolve(client, runner);
            Experiment started = client.experiments().start(new StartExperiment(datasetId, target.id(), version, baselineVersion,
                    mode == null ? "live" : mode, checks, maxCostUsd, null));
            Experiment done = client.experiments().await(started.id(), timeout == null ? RunCommand.NO_LIMIT : timeout);
            Output out = app.output(spec);
            show(out, done);
            if (!done.finished()) {
                out.note("experiment " + done.id() + " is still " + done.status() + "; see GET /api/v1/experiments/" + done.id());
                return ExitCodes.STILL_WAITING;
            }
            if (!done.status().equals("completed")) {
                out.note("experiment " + done.id() + " " + done.status() + (done.error() == null ? "" : ": " + done.error()));
                return ExitCodes.RUN_FAILED;
            }
            Double rate = done.summary().passRate();
            if (failUnder != null && (rate == null || rate < failUnder)) {
                out.note("pass_rate " + rate + " is below --fail-under " + failUnder);
                return ExitCodes.RUN_FAILED;
            }
            return ExitCodes.SUCCEEDED;
        }

        @SuppressWarnings("unchecked")
        private static void show(Output out, Experiment e) {
            if (out.format() == Output.Format.json) {
                out.json(e);
                return;
            }
            out.one(e, new Column<>("id", Experiment::id), new Column<>("runner", Experiment::runnerId), new Column<>("version", Experiment::version),
                    new Column<>("mode", Experiment::mode), new Column<>("status", Experiment::status),
                    new Column<>("pass_rate", x -> x.summary().passRate()), new Column<>("baseline_pass_rate", x -> x.summary().baselinePassRate()),
                    new Column<>("cost_usd", x -> x.summary().costUsd()), new Column<>("cost_usd_delta", x -> x.summary().costUsdDelta()),
                    new Column<>("latency_ms_p50", x -> x.summary().latencyMsP50()),
                    new Column<>("latency_ms_p50_delta", x -> x.summary().latencyMsP50Delta()),
                    new Column<>("tokens_delta", x -> x.summary().tokensDelta()));
            if (e.cases() != null && !e.cases().isEmpty()) {
                out.line("");
                out.list(e.cases(), new Column<ExperimentCase>("CASE", ExperimentCase::caseId), new Column<>("PASSED", ExperimentCase::passed),
                        new Column<>("RUN", ExperimentCase::runId), new Column<>("COST_USD", ExperimentCase::costUsd),
                        new Column<>("DURATION_MS", ExperimentCase::durationMs), new Column<>("DIFF", ExperimentCase::diff));
            }
        }

        private JsonNode parse(String text) {
            String json = text;
            if (text.startsWith("@")) {
                try {
                    json = Files.readString(Path.of(text.substring(1)));
                } catch (IOException e) {
                    throw new ParameterException(spec.commandLine(), "cannot read --evaluators file " + text.substring(1) + ": " + e.getMessage());
                }
            }
            try {
                return Output.JSON.readTree(json);
            } catch (JacksonException e) {
                throw new ParameterException(spec.commandLine(), "--evaluators is not JSON: " + e.getOriginalMessage());
            }
        }
    }
}

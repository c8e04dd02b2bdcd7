package dev.griddle.cli;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** {@code run NAME|ID}: starts a run of the latest version (publishing the draft if it changed), and with {@code --wait} waits for its end. */
@Command(name = "run", description = "Start a run of a runner given by name or id; --wait waits for it and exits by its outcome.")
final class RunCommand implements Callable<Integer> {

    /** {@code --wait} without {@code --timeout}: as good as no limit. */
    static final Duration NO_LIMIT = Duration.ofDays(3650);

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME|ID", description = "The runner")
    String runner;

    @Option(names = "--input", paramLabel = "JSON|@FILE", description = "The run's input: JSON, or @file to read it from a file")
    String input;

    @Option(names = "--wait", description = "Wait until the run has finished (exit 0 succeeded, 1 failed or cancelled)")
    boolean await;

    @Option(names = "--timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "With --wait: give up after this long (30s, 5m, 1h) and exit 4 if the run is still going or waiting")
    Duration timeout;

    @Option(names = "--idempotency-key", description = "Idempotency-Key of the start: the same key and input start one run only")
    String idempotencyKey;

    @Override
    public Integer call() {
        if (timeout != null && !await) {
            throw new ParameterException(spec.commandLine(), "--timeout needs --wait");
        }
        JsonNode body = input == null ? null : parseInput();
        GriddleCli app = GriddleCli.of(spec);
        GriddleClient client = app.client();
        Runner target = RunnerRef.resolve(client, runner);
        StartRun request = StartRun.of(body);
        Duration limit = timeout != null ? timeout : NO_LIMIT;
        Run run;
        if (!await) {
            run = idempotencyKey == null ? client.runs().start(target.id(), request) : client.runs().start(target.id(), request, idempotencyKey);
        } else {
            run = idempotencyKey == null ? client.runs().startAndWait(target.id(), request, limit)
                    : client.runs().startAndWait(target.id(), request, idempotencyKey, limit);
        }
        Output out = app.output(spec);
        RunView.one(out, run);
        if (!await) {
            return ExitCodes.SUCCEEDED;
        }
        int code = ExitCodes.of(run);
        if (code == ExitCodes.STILL_WAITING) {
            out.note("run " + run.id() + " is still " + run.status() + " after " + limit.toString().substring(2).toLowerCase()
                    + "; follow it with: griddle-cli logs " + run.id() + " -f");
        }
        return code;
    }

    private JsonNode parseInput() {
        String text = input;
        if (input.startsWith("@")) {
            try {
                text = Files.readString(Path.of(input.substring(1)));
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "cannot read --input file " + input.substring(1) + ": " + e.getMessage());
            }
        }
        try {
            return Output.JSON.readTree(text);
        } catch (JacksonException e) {
            throw new ParameterException(spec.commandLine(), "--input is not JSON: " + e.getOriginalMessage());
        }
    }
}

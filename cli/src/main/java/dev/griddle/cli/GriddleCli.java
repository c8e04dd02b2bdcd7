package dev.griddle.cli;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code griddle-cli}: the API from a shell, over the SDK. Connection options are inherited by
 * every subcommand, so they may stand anywhere on the line; {@link Settings} decides between them,
 * the environment and the profiles file. Exit codes are {@link ExitCodes}.
 */
@Command(name = "griddle-cli", mixinStandardHelpOptions = true, version = "griddle-cli 0.1.0",
        description = "Drive a Griddle server: apply bundles, start and follow runs, approvals, workers and keys.",
        subcommands = {ApplyCommand.class, RunnersCommand.class, RunCommand.class, RunsCommand.class, LogsCommand.class,
                ApprovalsCommand.class, WorkersCommand.class, KeysCommand.class, ExperimentCommand.class, CompletionCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:succeeded", "1:the run failed or was cancelled (experiment run: the experiment failed, or its pass rate is below --fail-under)", "2:usage error", "3:API error (code, message and request id on stderr)",
                "4:still running, waiting or paused when --timeout ran out"})
public final class GriddleCli {

    @Option(names = "--url", scope = ScopeType.INHERIT, description = "Server URL (else GRIDDLE_URL, the profile, http://localhost:8080)")
    String url;

    @Option(names = "--key", scope = ScopeType.INHERIT, description = "API key (else GRIDDLE_KEY, the profile)")
    String key;

    @Option(names = "--profile", scope = ScopeType.INHERIT, description = "Profile of the config file (else GRIDDLE_PROFILE, the file's default_profile)")
    String profile;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, defaultValue = "table",
            description = "table or json (default ${DEFAULT-VALUE})")
    Output.Format output;

    private final Map<String, String> env;

    GriddleCli(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The command line with its exit codes and error handling, reading this environment. */
    static CommandLine commandLine(Map<String, String> env) {
        CommandLine cli = new CommandLine(new GriddleCli(env));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof GriddleApiException api) {
                line.getErr().println("error: " + api.status() + " " + api.code() + ": " + api.apiMessage());
                if (api.recoveryHint() != null) {
                    line.getErr().println("hint: " + api.recoveryHint());
                }
                line.getErr().println("request id: " + (api.requestId() == null ? "(none)" : api.requestId()));
                return ExitCodes.API_ERROR;
            }
            if (e instanceof CliFailure failure) {
                line.getErr().println("error: " + failure.getMessage());
                return failure.exitCode();
            }
            if (e instanceof UncheckedIOException io) {
                Throwable cause = io.getCause();
                String why = cause != null && cause.getMessage() == null ? " (" + cause.getClass().getSimpleName() + ")" : "";
                line.getErr().println("error: cannot reach the server: " + io.getMessage() + why);
                return ExitCodes.API_ERROR;
            }
            throw e;
        });
        return cli;
    }

    /** The root of any command's spec. */
    static GriddleCli of(CommandLine.Model.CommandSpec spec) {
        return (GriddleCli) spec.root().userObject();
    }

    Settings settings() {
        return Settings.resolve(url, key, profile, env, configFile());
    }

    GriddleClient client() {
        Settings s = settings();
        if (s.key() == null) {
            throw new CliFailure(ExitCodes.USAGE, "no API key: pass --key, set GRIDDLE_KEY, or use a profile with a key in " + configFile());
        }
        return GriddleClient.builder(s.url()).apiKey(s.key()).build();
    }

    /** Where a command prints, in the format asked for. */
    Output output(CommandLine.Model.CommandSpec spec) {
        return new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), output);
    }

    private Path configFile() {
        return Settings.configFile(env);
    }
}

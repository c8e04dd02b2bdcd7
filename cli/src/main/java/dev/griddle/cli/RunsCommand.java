package dev.griddle.cli;

import dev.griddle.sdk.GriddleClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runs ls|get|cancel|retry}. */
@Command(name = "runs", description = "List, read, cancel and retry runs.", subcommands = {RunsCommand.Ls.class, RunsCommand.Get.class,
        RunsCommand.Cancel.class, RunsCommand.Retry.class})
final class RunsCommand {

    @Command(name = "ls", description = "The runs feed, newest first.")
    static final class Ls implements Runnable {
        @Spec
        CommandSpec spec;
        @Mixin
        Paging paging;
        @Option(names = "--runner", paramLabel = "NAME|ID", description = "Only this runner's runs")
        String runner;
        @Option(names = "--status", description = "Only runs in this status (queued, running, waiting, paused, succeeded, failed, cancelled)")
        String status;

        @Override
        public void run() {
            GriddleCli app = GriddleCli.of(spec);
            GriddleClient client = app.client();
            List<String> filters = new ArrayList<>();
            if (runner != null) {
                filters.add("runner_id=" + RunnerRef.resolve(client, runner).id());
            }
            if (status != null) {
                filters.add("status=" + URLEncoder.encode(status, StandardCharsets.UTF_8));
            }
            RunView.page(app.output(spec), client.runs().list(String.join("&", filters), paging.request()));
        }
    }

    @Command(name = "get", description = "One run: status, input, output, error, cost.")
    static final class Get implements Runnable {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "RUN", converter = Ids.class)
        UUID id;

        @Override
        public void run() {
            GriddleCli app = GriddleCli.of(spec);
            RunView.one(app.output(spec), app.client().runs().get(id));
        }
    }

    @Command(name = "cancel", description = "Cancel a run: immediate (default) or graceful (running steps finish).")
    static final class Cancel implements Runnable {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "RUN", converter = Ids.class)
        UUID id;
        @Option(names = "--mode", defaultValue = "immediate", description = "immediate or graceful (default ${DEFAULT-VALUE})")
        String mode;

        @Override
        public void run() {
            GriddleCli app = GriddleCli.of(spec);
            RunView.one(app.output(spec), app.client().runs().cancel(id, mode));
        }
    }

    @Command(name = "retry", description = "Retry a failed or cancelled run from where it stopped.")
    static final class Retry implements Runnable {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "RUN", converter = Ids.class)
        UUID id;

        @Override
        public void run() {
            GriddleCli app = GriddleCli.of(spec);
            RunView.one(app.output(spec), app.client().runs().retry(id));
        }
    }
}

package dev.griddle.cli;

import dev.griddle.cli.Output.Column;
import dev.griddle.sdk.RunnerModels.Runner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code runners ls}. */
@Command(name = "runners", description = "Runners the key sees.", subcommands = RunnersCommand.Ls.class)
final class RunnersCommand {

    @Command(name = "ls", description = "List runners.")
    static final class Ls implements Runnable {
        @Spec
        CommandSpec spec;
        @Mixin
        Paging paging;

        @Override
        public void run() {
            GriddleCli app = GriddleCli.of(spec);
            app.output(spec).page(app.client().runners().list(paging.request()), new Column<Runner>("ID", Runner::id),
                    new Column<>("NAME", Runner::name), new Column<>("LATEST", Runner::latestVersion), new Column<>("VALID", Runner::valid),
                    new Column<>("PROJECT", Runner::projectId), new Column<>("UPDATED", Runner::updatedAt));
        }
    }
}

package dev.griddle.cli;

import dev.griddle.cli.Output.Column;
import dev.griddle.sdk.WorkerModels.WorkerInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code workers ls}. */
@Command(name = "workers", description = "Remote worker hosts.", subcommands = WorkersCommand.Ls.class)
final class WorkersCommand {

    @Command(name = "ls", description = "List workers with their status and load.")
    static final class Ls implements Runnable {
        @Spec
        CommandSpec spec;
        @Mixin
        Paging paging;

        @Override
        public void run() {
            GriddleCli app = GriddleCli.of(spec);
            app.output(spec).page(app.client().workers().list(paging.request()), new Column<WorkerInfo>("ID", WorkerInfo::id),
                    new Column<>("NAME", WorkerInfo::name), new Column<>("STATUS", WorkerInfo::status), new Column<>("LABELS", WorkerInfo::labels),
                    new Column<>("TASK TYPES", WorkerInfo::taskTypes), new Column<>("TASKS", w -> w.runningTasks() + "/" + w.maxConcurrency()),
                    new Column<>("HEARTBEAT", WorkerInfo::lastHeartbeatAt));
        }
    }
}

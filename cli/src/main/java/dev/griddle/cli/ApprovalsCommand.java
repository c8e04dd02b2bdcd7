package dev.griddle.cli;

import dev.griddle.cli.Output.Column;
import dev.griddle.sdk.RunModels.Approval;
import dev.griddle.sdk.RunModels.CompleteApproval;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code approvals ls|approve|reject}: the inbox of human decisions runs wait for. */
@Command(name = "approvals", description = "The approvals inbox: list, approve, reject.", subcommands = {ApprovalsCommand.Ls.class,
        ApprovalsCommand.Approve.class, ApprovalsCommand.Reject.class})
final class ApprovalsCommand {

    @Command(name = "ls", description = "Approvals, pending ones by default.")
    static final class Ls implements Runnable {
        @Spec
        CommandSpec spec;
        @Mixin
        Paging paging;
        @Option(names = "--status", defaultValue = "pending", description = "pending, completed, expired, cancelled or all (default ${DEFAULT-VALUE})")
        String status;
        @Option(names = "--run", converter = Ids.class, description = "Only this run's approvals (any status)")
        UUID run;

        @Override
        public void run() {
            GriddleCli app = GriddleCli.of(spec);
            var approvals = app.client().approvals();
            var page = run != null ? approvals.forRun(run, paging.request())
                    : approvals.inbox("all".equals(status) ? null : status, paging.request());
            app.output(spec).page(page, new Column<Approval>("ID", Approval::id), new Column<>("RUN", Approval::runId),
                    new Column<>("STEP", Approval::stepId), new Column<>("STATUS", Approval::status), new Column<>("MESSAGE", Approval::message),
                    new Column<>("CREATED", Approval::createdAt), new Column<>("EXPIRES", Approval::expiresAt));
        }
    }

    /** What approve and reject share: the approval and an optional comment. */
    abstract static class Decision implements Runnable {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "APPROVAL", converter = Ids.class)
        UUID id;
        @Option(names = "--comment", description = "Why; kept with the decision")
        String comment;

        abstract boolean approved();

        @Override
        public void run() {
            GriddleCli app = GriddleCli.of(spec);
            Approval done = app.client().approvals().complete(id, new CompleteApproval(approved(), comment, null));
            app.output(spec).one(done, new Column<Approval>("id", Approval::id), new Column<>("run", Approval::runId),
                    new Column<>("step", Approval::stepId), new Column<>("status", Approval::status), new Column<>("approved", Approval::approved),
                    new Column<>("comment", Approval::comment));
        }
    }

    @Command(name = "approve", description = "Approve: the run goes on.")
    static final class Approve extends Decision {
        @Override
        boolean approved() {
            return true;
        }
    }

    @Command(name = "reject", description = "Reject: the run goes on with approved = false.")
    static final class Reject extends Decision {
        @Override
        boolean approved() {
            return false;
        }
    }
}

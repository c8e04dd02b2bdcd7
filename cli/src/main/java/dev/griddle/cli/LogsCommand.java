package dev.griddle.cli;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Event;
import dev.griddle.sdk.RunModels.EventPage;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code logs RUN [-f]}: a run's events, one per line ({@code --output json}: one JSON object per
 * line). {@code -f} follows the run's SSE stream until the run has finished and exits by its outcome.
 */
@Command(name = "logs", description = "A run's events; -f follows them live until the run ends (exit 0 succeeded, 1 failed or cancelled).")
final class LogsCommand implements Callable<Integer> {

    /** Events read per request without {@code -f}. */
    static final int PAGE = 100;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", converter = Ids.class)
    UUID run;

    @Option(names = {"-f", "--follow"}, description = "Follow the event stream until the run has finished")
    boolean follow;

    @Override
    public Integer call() {
        GriddleCli app = GriddleCli.of(spec);
        GriddleClient client = app.client();
        Output out = app.output(spec);
        if (follow) {
            client.runs().stream(run, null, event -> {
                print(out, event);
                return true;
            });
            return ExitCodes.of(client.runs().get(run));
        }
        String after = null;
        EventPage page;
        do {
            page = client.runs().events(run, after, PAGE);
            page.data().forEach(e -> print(out, e));
            after = page.meta().nextCursor();
        } while (page.data().size() == PAGE);
        return ExitCodes.SUCCEEDED;
    }

    private static void print(Output out, Event e) {
        if (out.format() == Output.Format.json) {
            out.jsonLine(e);
        } else {
            out.line(String.join("  ", String.valueOf(e.seq()), Output.cell(e.createdAt()), e.type(), Output.cell(e.stepId()),
                    Output.cell(e.data())));
        }
    }
}

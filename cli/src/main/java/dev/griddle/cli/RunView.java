package dev.griddle.cli;

import dev.griddle.sdk.RunModels.Run;
import java.util.List;
import dev.griddle.cli.Output.Column;

/** How runs show in tables and as one object. */
final class RunView {

    static final List<Column<Run>> ROW = List.of(new Column<>("ID", Run::id), new Column<>("RUNNER", Run::runnerId),
            new Column<>("VERSION", Run::version), new Column<>("STATUS", Run::status), new Column<>("CREATED", Run::createdAt),
            new Column<>("FINISHED", Run::finishedAt));

    static final List<Column<Run>> DETAIL = List.of(new Column<>("id", Run::id), new Column<>("runner", Run::runnerId),
            new Column<>("version", Run::version), new Column<>("status", Run::status), new Column<>("input", Run::input),
            new Column<>("output", Run::output), new Column<>("error", Run::error), new Column<>("cost_usd", Run::costUsd),
            new Column<>("created", Run::createdAt), new Column<>("finished", Run::finishedAt));

    private RunView() {
    }

    @SuppressWarnings("unchecked")
    static void one(Output out, Run run) {
        out.one(run, DETAIL.toArray(Column[]::new));
    }

    @SuppressWarnings("unchecked")
    static void page(Output out, dev.griddle.sdk.Page<Run> runs) {
        out.page(runs, ROW.toArray(Column[]::new));
    }
}

package dev.griddle.server.apply;

import dev.griddle.server.web.Caller;
import java.util.List;

/** One object's planned upsert: what it reports and how it is written (inside apply's transaction, after the whole bundle was checked). */
public record Planned(Action action, Applied applied, Runnable write) {

    /** Nothing to write. */
    public static Planned unchanged(Applied applied) {
        return new Planned(Action.UNCHANGED, applied, () -> { });
    }

    /**
     * The plan of a section of org-wide objects (integrations, MCP servers, tools, skills): a key
     * limited to some projects may list them unchanged (to apply a shared bundle) but neither
     * create nor change any ({@code 403}, before anything is written).
     */
    public static List<Planned> orgWide(Caller caller, String section, List<Planned> plan) {
        if (plan.stream().anyMatch(p -> p.action() != Action.UNCHANGED)) {
            caller.requireAllProjects("create or change " + section.replace('_', ' '));
        }
        return plan;
    }
}

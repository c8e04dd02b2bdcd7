package dev.griddle.server.apply;

/** One object's planned upsert: what it reports and how it is written (inside apply's transaction, after the whole bundle was checked). */
public record Planned(Action action, Applied applied, Runnable write) {

    /** Nothing to write. */
    public static Planned unchanged(Applied applied) {
        return new Planned(Action.UNCHANGED, applied, () -> { });
    }
}

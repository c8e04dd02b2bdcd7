package dev.griddle.server.store;

import java.nio.file.Path;

/** Another live Griddle holds the data directory's lock. */
final class DataDirInUseException extends IllegalStateException {

    private final Path dataDir;
    private final String holderPid;

    DataDirInUseException(Path dataDir, String holderPid) {
        super("The data directory " + dataDir.toAbsolutePath() + " is in use by another Griddle process"
                + (holderPid.isEmpty() ? "" : " (pid " + holderPid + ")") + ".");
        this.dataDir = dataDir.toAbsolutePath();
        this.holderPid = holderPid;
    }

    Path dataDir() {
        return dataDir;
    }

    String holderPid() {
        return holderPid;
    }
}

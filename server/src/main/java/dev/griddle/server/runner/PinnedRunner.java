package dev.griddle.server.runner;

import java.util.UUID;

/** The runner version a run is pinned to. */
public record PinnedRunner(UUID runnerId, String name, UUID projectId, int version, RunnerSpec spec) {
}

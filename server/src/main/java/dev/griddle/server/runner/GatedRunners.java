package dev.griddle.server.runner;

import java.util.UUID;

/**
 * Which runners have a publish gate (issue #18). A gated runner publishes only through
 * {@code POST /runners/{id}/versions}, past its gate; a run started without a version uses the
 * latest published version instead of publishing the draft first.
 */
public interface GatedRunners {

    boolean gated(UUID orgId, UUID runnerId);
}

package dev.griddle.sdk;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Recordings of runs' external calls and replays of them (issue #18). */
public final class ReplayModels {

    private ReplayModels() {
    }

    /** One recorded call; {@code replayed} when a recording answered it (its duration and cost are the recorded ones). */
    public record Call(String stepId, int attempt, Integer itemIndex, int seq, String kind, String fingerprint, JsonNode request,
            JsonNode response, long durationMs, BigDecimal costUsd, boolean replayed) {
    }

    /** A run's recording; {@code replayOf} the run it replays, null for other runs. */
    public record Recording(UUID runId, UUID replayOf, List<Call> calls) {
    }

    /** {@code mode}: {@code strict} (a call without a recorded answer fails its step) or {@code fallthrough} (it goes out live). */
    public record ReplayRequest(Integer version, String mode) {
        public static ReplayRequest strict() {
            return new ReplayRequest(null, "strict");
        }

        public static ReplayRequest fallthrough() {
            return new ReplayRequest(null, "fallthrough");
        }

        public ReplayRequest onVersion(int version) {
            return new ReplayRequest(version, mode);
        }
    }
}

package dev.griddle.server.step;

import tools.jackson.databind.JsonNode;

/** What an executor reports. The engine turns it into state changes; executors never call the engine. */
public sealed interface StepOutcome {

    /** The step succeeded with this output. */
    record Done(JsonNode output) implements StepOutcome {
    }

    /** The step failed; {@code retryable} says whether the step's retry policy may try again. */
    record Failed(String message, boolean retryable, JsonNode details) implements StepOutcome {
        public Failed(String message, boolean retryable) {
            this(message, retryable, null);
        }
    }

    static Done done(JsonNode output) {
        return new Done(output);
    }

    static Failed failed(String message, boolean retryable) {
        return new Failed(message, retryable);
    }
}

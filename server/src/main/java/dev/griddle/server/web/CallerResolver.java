package dev.griddle.server.web;

import java.util.Optional;

/** Turns a presented API key secret into a caller, or nothing when unknown, revoked or expired. */
public interface CallerResolver {

    /** Outcome of checking a key: a caller, or the reason it was refused. */
    sealed interface Result {
        record Accepted(Caller caller) implements Result {
        }

        record Refused(String reason) implements Result {
        }
    }

    Result resolve(String secret);

    static Optional<Caller> accepted(Result result) {
        return result instanceof Result.Accepted a ? Optional.of(a.caller()) : Optional.empty();
    }
}

package dev.griddle.server.web;

import java.util.Optional;
import java.util.UUID;

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

    /**
     * The caller of a key known by id (a console session remembers its key's id, not its secret),
     * checked as {@link #resolve} checks a presented one: refused when revoked, expired or gone.
     */
    Result resolveKey(UUID keyId);

    /**
     * Checks again a key that was accepted earlier (for a long-lived stream): why it is no longer
     * accepted (revoked, expired, gone), or empty while it still is.
     */
    Optional<String> refusal(UUID keyId);

    static Optional<Caller> accepted(Result result) {
        return result instanceof Result.Accepted a ? Optional.of(a.caller()) : Optional.empty();
    }
}

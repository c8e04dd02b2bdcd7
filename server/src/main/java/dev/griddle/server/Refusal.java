package dev.griddle.server;

/**
 * A request declined for a reason the caller can fix (the 4xx family), as opposed to a fault of
 * the server. Each feature throws its own subclasses; {@code web.ApiExceptionHandler} maps every
 * one of them to the API's error envelope. Code that turns a refusal into something else (a child
 * run that cannot start fails its parent's step) catches this type, never {@link RuntimeException},
 * so a programming error is not swallowed.
 */
public abstract class Refusal extends RuntimeException {

    protected Refusal(String message) {
        super(message);
    }
}

package dev.griddle.sdk.worker;

/**
 * Thrown by a handler to fail its task with this message. {@code retryable} says whether the
 * step's retry policy may try again (a bad input is not retryable; a flaky dependency is). Any
 * other exception from a handler fails the task as retryable.
 */
public class TaskFailure extends RuntimeException {

    private final boolean retryable;

    public TaskFailure(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public TaskFailure(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}

package dev.griddle.server.tool;

/** A tool call that failed; the message is shown to the model (or becomes the step's error). */
public class ToolException extends Exception {

    private final boolean retryable;

    public ToolException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}

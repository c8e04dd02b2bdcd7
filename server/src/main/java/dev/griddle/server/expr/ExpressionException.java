package dev.griddle.server.expr;

/** An expression that does not compile or fails at run time; the message says which and why. */
public class ExpressionException extends RuntimeException {

    public ExpressionException(String message) {
        super(message);
    }

    public ExpressionException(String message, Throwable cause) {
        super(message, cause);
    }
}

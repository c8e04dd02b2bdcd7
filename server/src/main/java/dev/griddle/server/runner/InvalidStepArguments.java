package dev.griddle.server.runner;

/**
 * A step's rendered arguments (or its {@code for_each} list) cannot be used, or would take it past
 * a limit: the step fails with this message. Only this and
 * {@link dev.griddle.server.expr.ExpressionException} turn into a step failure when a step starts;
 * any other exception is a fault and rolls the run's transaction back.
 */
public class InvalidStepArguments extends RuntimeException {

    public InvalidStepArguments(String message) {
        super(message);
    }
}

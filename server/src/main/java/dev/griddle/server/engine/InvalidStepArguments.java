package dev.griddle.server.engine;

/**
 * A step's rendered arguments (or its {@code for_each} list) cannot be used, or would take it past
 * a limit: the step fails with this message. Only this and
 * {@link dev.griddle.server.expr.ExpressionException} turn into a step failure; any other exception
 * while starting a step is a fault and rolls the transaction back.
 */
class InvalidStepArguments extends RuntimeException {

    InvalidStepArguments(String message) {
        super(message);
    }
}

package dev.griddle.server.secret;

/** A template or task refers to a secret the organization does not have (any more), or not for the run's project. */
public class SecretException extends RuntimeException {

    SecretException(String message) {
        super(message);
    }

    static SecretException undefined(String name) {
        return new SecretException("secret '" + name + "' is not defined, or not available to this run's project");
    }
}

package dev.griddle.server.runner;

import java.util.Optional;

/**
 * Which model ids a step may name, for validation at publish time. The model catalog implements
 * it; without one every name passes.
 */
public interface ModelNames {

    ModelNames ANY = model -> Optional.empty();

    /** Why {@code model} cannot be used (unknown id), or empty when it can. */
    Optional<String> problem(String model);
}

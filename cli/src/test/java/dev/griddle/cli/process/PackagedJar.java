package dev.griddle.cli.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A packaged jar named by a system property Failsafe sets ({@code griddle.server.jar},
 * {@code griddle.cli.jar}), started on the JDK running the tests with only the {@code GRIDDLE_*}
 * and {@code SERVER_*} variables given (a developer's shell cannot change a test).
 */
final class PackagedJar {

    private PackagedJar() {
    }

    static ProcessBuilder command(String jarProperty, Map<String, String> env, List<String> args) {
        String property = System.getProperty(jarProperty);
        if (property == null || !Files.isRegularFile(Path.of(property))) {
            throw new IllegalStateException(jarProperty + " (" + property + ") is not a jar: run with ./mvnw verify -pl server,cli -am");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-jar");
        command.add(property);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("GRIDDLE_") || k.startsWith("SERVER_") || k.startsWith("SPRING_")
                || k.equals("XDG_CONFIG_HOME"));
        builder.environment().putAll(env);
        return builder;
    }

    static Process start(ProcessBuilder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command(), e);
        }
    }
}

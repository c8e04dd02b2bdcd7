package dev.griddle.sdk.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sessions' working directories under one root, one named by each session's id: creating and
 * deleting them, cleaning up those of sessions no longer run, and the put_file and get_file
 * commands, which never reach outside a session's directory.
 */
final class SessionWorkdirs {

    private static final Logger log = Logger.getLogger(SessionWorkdirs.class.getName());
    static final int FILE_CAP = 1024 * 1024;

    private final Path root;

    SessionWorkdirs(Path root) {
        this.root = root;
    }

    void createRoot() {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the session directory " + root, e);
        }
    }

    Path of(UUID session) {
        return root.resolve(session.toString());
    }

    void delete(UUID session) {
        deleteTree(of(session));
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warning(() -> "Cannot delete " + p + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            log.warning(() -> "Cannot delete " + dir + ": " + e.getMessage());
        }
    }

    /** Deletes the working directories of sessions not {@code running}, older than {@code retention}. */
    void clean(Duration retention, Predicate<UUID> running) {
        if (!Files.isDirectory(root)) {
            return;
        }
        long cutoff = System.currentTimeMillis() - retention.toMillis();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).forEach(dir -> {
                try {
                    UUID id = UUID.fromString(dir.getFileName().toString());
                    if (!running.test(id) && Files.getLastModifiedTime(dir).toMillis() < cutoff) {
                        deleteTree(dir);
                    }
                } catch (IllegalArgumentException | IOException e) {
                    // not a session's directory: leave it
                }
            });
        } catch (IOException e) {
            log.warning(() -> "Cannot list " + root + ": " + e.getMessage());
        }
    }

    private static Path inside(Path workdir, String relative) {
        Path base = workdir.toAbsolutePath().normalize();
        Path target = base.resolve(relative).normalize();
        if (!target.startsWith(base) || target.equals(base)) {
            throw new IllegalArgumentException("path '" + relative + "' is outside the session's working directory");
        }
        return target;
    }

    static ObjectNode putFile(Path workdir, JsonNode command) {
        try {
            byte[] content = Base64.getDecoder().decode(command.path("content_base64").asString(""));
            if (content.length > FILE_CAP) {
                return SessionHost.error("file is over " + FILE_CAP + " bytes");
            }
            Path target = inside(workdir, command.path("path").asString());
            Files.createDirectories(target.getParent());
            Files.write(target, content);
            return JsonNodeFactory.instance.objectNode().put("size", content.length);
        } catch (IOException | IllegalArgumentException e) {
            return SessionHost.error(e.getMessage());
        }
    }

    static ObjectNode getFile(Path workdir, JsonNode command) {
        try {
            Path target = inside(workdir, command.path("path").asString());
            if (!Files.isRegularFile(target)) {
                return JsonNodeFactory.instance.objectNode().put("missing", true);
            }
            long cap = Math.min(FILE_CAP, command.path("max_bytes").asLong(FILE_CAP));
            if (Files.size(target) > cap) {
                return SessionHost.error("file is over " + cap + " bytes");
            }
            return JsonNodeFactory.instance.objectNode().put("content_base64", Base64.getEncoder().encodeToString(Files.readAllBytes(target)));
        } catch (IOException | IllegalArgumentException e) {
            return SessionHost.error(e.getMessage());
        }
    }
}

package dev.griddle.server.thread;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code griddle.threads.*}: how a node keeps its running turns alive in the database.
 * {@code node-id} names this node in {@code threads.turn_node}; it must be unique among live nodes
 * and stay the same across restarts for a restarted node to clean up its own interrupted turns at
 * once (default: host name and {@code server.port}, or a random id when the port is random).
 * {@code heartbeat-interval}: how often the node stamps its turns (and saves their partial text).
 * {@code heartbeat-timeout}: a turn not stamped for this long is taken to be dead and is taken over.
 */
@ConfigurationProperties("griddle.threads")
record ThreadsProperties(
        String nodeId,
        @DefaultValue("2s") Duration heartbeatInterval,
        @DefaultValue("20s") Duration heartbeatTimeout) {

    ThreadsProperties {
        if (heartbeatInterval.compareTo(Duration.ofMillis(50)) < 0) {
            throw new IllegalArgumentException("griddle.threads.heartbeat-interval must be at least 50ms, was " + heartbeatInterval);
        }
        if (heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("griddle.threads.heartbeat-timeout must be at least twice heartbeat-interval (" + heartbeatInterval
                    + "), was " + heartbeatTimeout);
        }
        if (nodeId != null && (nodeId.isBlank() || nodeId.length() > 200)) {
            throw new IllegalArgumentException("griddle.threads.node-id must be 1 to 200 characters, was '" + nodeId + "'");
        }
    }
}

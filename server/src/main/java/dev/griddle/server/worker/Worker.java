package dev.griddle.server.worker;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A registered worker as the API shows it. {@code status} is derived when read: {@code draining}
 * once drained, {@code offline} after the heartbeat timeout without a heartbeat (drained or not),
 * else {@code online}; {@code running_tasks} counts the leases it holds right now; {@code pod_count} the sessions it runs
 * (of at most {@code max_pods}, docs/sessions.md).
 */
public record Worker(UUID id, String name, String status, String version, String os, String arch, List<String> labels,
        List<String> taskTypes, int runningTasks, int maxConcurrency, int podCount, int maxPods, Instant lastHeartbeatAt, Instant createdAt) {

    /** The lease owner a worker claims as: also how its running tasks are counted. */
    static String owner(UUID workerId) {
        return "worker:" + workerId;
    }

    boolean draining() {
        return "draining".equals(status);
    }

    int freeSlots() {
        return Math.max(0, maxConcurrency - runningTasks);
    }
}

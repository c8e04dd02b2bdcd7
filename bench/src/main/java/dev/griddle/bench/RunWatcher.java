package dev.griddle.bench;

import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunsClient;
import java.time.Duration;
import java.util.UUID;

/**
 * Waits for a run to finish by polling {@code GET /runs/{id}}: first after {@code firstPollMs},
 * then backing off to {@code maxPollMs}. The client-observed finish is therefore late by at most
 * one poll interval; the server's {@code finished_at} is exact.
 */
final class RunWatcher {

    private final RunsClient runs;
    private final long firstPollMs;
    private final long maxPollMs;
    private final Duration timeout;

    RunWatcher(RunsClient runs, long firstPollMs, long maxPollMs, Duration timeout) {
        this.runs = runs;
        this.firstPollMs = firstPollMs;
        this.maxPollMs = maxPollMs;
        this.timeout = timeout;
    }

    /** The run once finished ({@code started} is the start response, returned as is when already finished). */
    Run awaitFinished(Run started) throws InterruptedException {
        if (started.finished()) {
            return started;
        }
        UUID id = started.id();
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleep = firstPollMs;
        while (true) {
            Thread.sleep(sleep);
            Run run = runs.get(id);
            if (run.finished()) {
                return run;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("run " + id + " still " + run.status() + " after " + timeout.toSeconds() + " s");
            }
            sleep = Math.min(maxPollMs, sleep * 2);
        }
    }

    /** Server-side duration: {@code finished_at - created_at}, in milliseconds. */
    static double serverMillis(Run run) {
        return Duration.between(run.createdAt(), run.finishedAt()).toNanos() / 1e6;
    }

    static void requireSucceeded(Run run) {
        if (!"succeeded".equals(run.status())) {
            throw new IllegalStateException("run " + run.id() + " ended " + run.status() + ": " + run.error());
        }
    }
}

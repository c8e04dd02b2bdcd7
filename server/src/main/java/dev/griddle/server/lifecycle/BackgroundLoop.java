package dev.griddle.server.lifecycle;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A node's background loop on one virtual thread: runs {@link #pass()} again and again, sleeping
 * as long as each pass asks. A pass that throws is logged and retried after a back-off that
 * doubles from {@code errorBackoff} up to a minute, and resets after a pass that succeeds; that
 * holds for {@code Error}s as well, and a loop that ends anyway while running is restarted.
 * Stopping interrupts the sleep (or the pass) and waits up to ten seconds for the thread to end.
 */
public abstract class BackgroundLoop implements SmartLifecycle {

    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private volatile Thread thread;
    private volatile boolean running;

    protected BackgroundLoop(String name) {
        this.name = name;
    }

    /** Whether this node runs the loop at all (a setting); checked once, at start. */
    protected abstract boolean enabled();

    /** One pass of the work; returns how long to sleep before the next one. */
    protected abstract Duration pass() throws InterruptedException;

    /** The first wait after a failed pass. */
    protected abstract Duration errorBackoff();

    /** False once stopping began: a long pass checks it between items. */
    protected final boolean running() {
        return running;
    }

    @Override
    public void start() {
        if (!enabled()) {
            log.info("{} is off on this node", name);
            return;
        }
        running = true;
        thread = Thread.ofVirtual().name(name).start(this::supervise);
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Keeps the loop alive until stopped: whatever escapes it (an {@code Error} thrown past the
     * pass's own handling, a stray interrupt) restarts it after the error back-off, so one bad
     * pass never ends this node's loop for good.
     */
    private void supervise() {
        while (running) {
            try {
                loop();
            } catch (Throwable e) {
                log.error("{} loop died; restarting it", name, e);
            }
            if (running) {
                Thread.interrupted(); // an interrupt not sent by stop() must not end the loop
                try {
                    Thread.sleep(errorBackoff());
                } catch (InterruptedException e) {
                    if (!running) {
                        return;
                    }
                }
            }
        }
    }

    private void loop() {
        Duration backoff = errorBackoff();
        while (running) {
            try {
                Duration next = pass();
                backoff = errorBackoff();
                Thread.sleep(next);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                // Errors too: a StackOverflowError from one pass (deep recursion in a run it started) must not end the loop
                if (!running) {
                    return;
                }
                log.error("{} pass failed; retrying in {}", name, backoff, e);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }
}

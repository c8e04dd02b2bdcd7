package dev.griddle.server.lifecycle;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A node's background loop on one virtual thread: runs {@link #pass()} again and again, sleeping
 * as long as each pass asks. A pass that throws is logged and retried after a back-off that
 * doubles from {@code errorBackoff} up to a minute, and resets after a pass that succeeds. Stopping
 * interrupts the sleep (or the pass) and waits up to ten seconds for the thread to end.
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
        thread = Thread.ofVirtual().name(name).start(this::loop);
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
            } catch (RuntimeException e) {
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

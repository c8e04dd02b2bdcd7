package dev.griddle.sdk.worker;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker's HTTP calls, retried with exponential backoff and jitter while the server is
 * unreachable, answers 5xx or 429 (honouring {@code Retry-After}). A 4xx other than 429 is an
 * answer, returned as is. Gives up when {@code keepTrying} turns false or the deadline passes.
 */
final class WorkerHttp {

    private static final Logger log = Logger.getLogger(WorkerHttp.class.getName());
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final GriddleClient client;

    WorkerHttp(GriddleClient client) {
        this.client = client;
    }

    /** The response, or null when the call could not be made before {@code deadline}. */
    RawResponse post(String path, Object body, Duration patience, BooleanSupplier keepTrying) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        long backoff = 100;
        String json = body == null ? "{}" : body instanceof String s ? s : JSON.writeValueAsString(body);
        while (true) {
            String problem;
            long wait = backoff;
            try {
                RawResponse response = client.raw("POST", path, json, Map.of("Content-Type", "application/json"));
                if (response.status() < 500 && response.status() != 429) {
                    return response;
                }
                problem = "HTTP " + response.status();
                if (response.status() == 429) {
                    wait = Math.max(wait, response.header("Retry-After").map(WorkerHttp::seconds).orElse(1L) * 1000);
                }
            } catch (java.io.UncheckedIOException e) {
                problem = e.getMessage();
            } catch (IllegalStateException e) {
                if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                    throw new InterruptedException("interrupted during POST " + path);
                }
                throw e;
            }
            long sleep = wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1);
            if (!keepTrying.getAsBoolean() || System.nanoTime() + sleep * 1_000_000 > deadline) {
                log.log(Level.WARNING, "POST {0} failed ({1}); giving up", new Object[] {path, problem});
                return null;
            }
            log.log(Level.FINE, "POST {0} failed ({1}); retrying in {2} ms", new Object[] {path, problem, sleep});
            Thread.sleep(sleep);
            backoff = Math.min(backoff * 2, 5000);
        }
    }

    private static long seconds(String value) {
        try {
            return Math.max(1, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}

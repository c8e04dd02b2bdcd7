package dev.griddle.server.trace;

import dev.griddle.server.engine.RunRow;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Exports each finished run's spans, and each finished chat-thread answer's, over OTLP/HTTP (JSON)
 * when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set. Runs and answers each have a durable cursor in
 * {@code (finished_at, id)} order ({@code otlp}, {@code otlp_turns}), moved only after the collector
 * accepted a batch, in the transaction that holds the cursor's lock: a crash or an unreachable
 * collector re-sends, never loses (a collector may see a batch twice; span ids are stable, so
 * backends deduplicate). A batch the collector rejects as malformed (4xx other than 408/429) is
 * logged and skipped. Exporting starts with what finishes after the exporter was first enabled.
 */
@Component
class OtlpExportJob {

    private static final Logger log = LoggerFactory.getLogger(OtlpExportJob.class);
    static final String CURSOR = "otlp";
    static final String TURN_CURSOR = "otlp_turns";
    private static final int BATCH = 50;

    private final OtlpProperties otlp;
    private final TraceProperties props;
    private final TransactionTemplate tx;
    private final TraceCursors cursors;
    private final TraceReader reader;
    private final TurnTraces turns;
    private final JsonMapper json;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private volatile boolean cursorReady;
    private volatile long nextTick;
    private volatile long failures;

    OtlpExportJob(OtlpProperties otlp, TraceProperties props, TransactionTemplate tx, TraceCursors cursors, TraceReader reader, TurnTraces turns,
            JsonMapper json, Clock clock) {
        this.turns = turns;
        this.otlp = otlp;
        this.props = props;
        this.tx = tx;
        this.cursors = cursors;
        this.reader = reader;
        this.json = json;
        this.clock = clock;
    }

    @Scheduled(fixedDelay = 100)
    void tick() {
        if (!otlp.enabled() || System.nanoTime() < nextTick) {
            return;
        }
        try {
            if (!cursorReady) {
                cursors.ensure(CURSOR, clock.instant().minus(props.lag()));
                cursors.ensure(TURN_CURSOR, clock.instant().minus(props.lag()));
                cursorReady = true;
            }
            while (exportBatch() == BATCH) {
                // a full batch: more may be waiting
            }
            while (exportTurns() == BATCH) {
                // a full batch: more may be waiting
            }
            failures = 0;
            nextTick = System.nanoTime() + props.jobInterval().toNanos();
        } catch (RuntimeException e) {
            failures++;
            long backoff = Math.min(60_000, props.jobInterval().toMillis() << Math.min(failures, 6));
            log.warn("OTLP export to {} failed ({}); retrying in {} ms", otlp.tracesUri(), e.toString(), backoff);
            nextTick = System.nanoTime() + backoff * 1_000_000L;
        }
    }

    /** Exports one batch; returns how many runs it covered. */
    int exportBatch() {
        Instant upTo = clock.instant().minus(props.lag());
        Integer n = tx.execute(status -> {
            Optional<TraceCursors.Position> position = cursors.lock(CURSOR);
            if (position.isEmpty()) {
                return 0;
            }
            List<RunRow> batch = cursors.finishedAfter(position.get(), upTo, BATCH);
            if (batch.isEmpty()) {
                return 0;
            }
            Map<UUID, List<Span>> trees = reader.spans(batch);
            List<OtlpSpans.Exported> traces = batch.stream().map(run -> OtlpSpans.Exported.of(run, trees.get(run.id()))).toList();
            send(json.writeValueAsString(OtlpSpans.request(traces)), batch.size(), "run(s)");
            RunRow last = batch.getLast();
            cursors.save(CURSOR, new TraceCursors.Position(last.finishedAt(), last.id()));
            return batch.size();
        });
        return n == null ? 0 : n;
    }

    /** Exports one batch of finished chat-thread answers; returns how many it covered. */
    int exportTurns() {
        Instant upTo = clock.instant().minus(props.lag());
        Integer n = tx.execute(status -> {
            Optional<TraceCursors.Position> position = cursors.lock(TURN_CURSOR);
            if (position.isEmpty()) {
                return 0;
            }
            List<TurnTraces.Turn> batch = turns.finishedAfter(position.get().at(), position.get().runId(), upTo, BATCH);
            if (batch.isEmpty()) {
                return 0;
            }
            List<OtlpSpans.Exported> traces = batch.stream()
                    .map(t -> new OtlpSpans.Exported(t.id(), t.orgId(), true, TurnTraceBuilder.build(t))).toList();
            send(json.writeValueAsString(OtlpSpans.request(traces)), batch.size(), "thread answer(s)");
            TurnTraces.Turn last = batch.getLast();
            cursors.save(TURN_CURSOR, new TraceCursors.Position(last.finishedAt(), last.id()));
            return batch.size();
        });
        return n == null ? 0 : n;
    }

    private void send(String body, int count, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(otlp.tracesUri()).timeout(otlp.timeout())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        otlp.headerMap().forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("collector unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        if (status / 100 == 4 && status != 408 && status != 429) {
            log.error("OTLP collector rejected {} {} with {}: {}; skipping them", count, what, status, abbreviate(response.body()));
            return;
        }
        throw new IllegalStateException("collector answered " + status + ": " + abbreviate(response.body()));
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}

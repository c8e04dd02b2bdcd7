package dev.griddle.server.trace;

import static dev.griddle.server.store.Sql.ts;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreatedOrganization;
import dev.griddle.server.ApiTest;
import java.time.Instant;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Base of the trace, analytics and metrics tests: one shared server whose background jobs run
 * fast, whose OTLP exporter points at {@link #LOOPBACK}, which also serves the http steps.
 */
@TestPropertySource(properties = {"griddle.traces.job-interval=200ms", "griddle.traces.lag=300ms", "griddle.traces.queue-gauge-interval=200ms"})
abstract class TraceApiTest extends ApiTest {

    static final LoopbackServer LOOPBACK = new LoopbackServer();

    @DynamicPropertySource
    static void otlp(DynamicPropertyRegistry registry) {
        registry.add("otel.exporter.otlp.endpoint", () -> LOOPBACK.url(""));
    }

    @Autowired
    JdbcClient jdbc;

    /** A fresh organization: its id (for SQL) and a client with its admin key. */
    record Org(UUID id, GriddleClient client) {
    }

    Org org() {
        CreatedOrganization org = instanceAdmin().organizations().create("org-" + UUID.randomUUID());
        return new Org(org.id(), client(org.adminKey()));
    }

    /** Appends an event to a run as the engine would (LLM steps are not merged yet: their events are written here). */
    void appendEvent(UUID orgId, UUID runId, String type, String stepId, String dataJson, Instant at) {
        jdbc.sql("""
                insert into events (run_id, seq, org_id, type, step_id, data, created_at)
                values (:run, (select coalesce(max(seq), 0) + 1 from events where run_id = :run), :org, :type, :step, cast(:data as jsonb), :at)
                """).param("run", runId).param("org", orgId).param("type", type).param("step", stepId).param("data", dataJson).param("at", ts(at))
                .update();
    }
}

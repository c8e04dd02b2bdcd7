package dev.griddle.server.engine;

import dev.griddle.server.GriddleProperties;
import dev.griddle.server.lifecycle.BackgroundLoop;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Starts deferred runs ({@link LiveRuns}) once their organization is below
 * {@code griddle.engine.max-live-runs-per-org} again, oldest first, each in its own run
 * transaction (the delete of its {@code deferred_runs} row decides which node starts it). Looks
 * every {@value #BUSY_MS} ms while runs wait, every second otherwise. Also publishes the
 * per-organization gauges {@code griddle.engine.org.ready_tasks} and {@code griddle.engine.org.deferred_runs},
 * for at most {@value #GAUGE_ORGS} organizations with work (none for idle ones, so the tag stays bounded), tagged
 * {@code org} with {@link OrgTag} rather than the id, since {@code /metrics} is open to anyone who reaches it.
 */
@Component
class RunAdmitter extends BackgroundLoop {

    static final int BUSY_MS = 250;
    static final int GAUGE_ORGS = 50;
    private static final Duration GAUGE_EVERY = Duration.ofSeconds(10);

    private final JdbcClient jdbc;
    private final LiveRuns liveRuns;
    private final RunTransactions transactions;
    private final Advancer advancer;
    private final GriddleProperties.Engine engine;
    private final MultiGauge readyTasks;
    private final MultiGauge deferredRuns;
    private long lastGauges;

    RunAdmitter(JdbcClient jdbc, LiveRuns liveRuns, RunTransactions transactions, Advancer advancer, GriddleProperties props, MeterRegistry meters) {
        super("run-admitter");
        this.jdbc = jdbc;
        this.liveRuns = liveRuns;
        this.transactions = transactions;
        this.advancer = advancer;
        this.engine = props.engine();
        this.readyTasks = MultiGauge.builder("griddle.engine.org.ready_tasks").description("Tasks ready to run, per organization with any")
                .register(meters);
        this.deferredRuns = MultiGauge.builder("griddle.engine.org.deferred_runs")
                .description("Runs waiting for their organization's live-run limit, per organization with any").register(meters);
    }

    @Override
    protected boolean enabled() {
        return engine.enabled();
    }

    @Override
    protected Duration errorBackoff() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected Duration pass() {
        if (System.nanoTime() - lastGauges > GAUGE_EVERY.toNanos()) {
            publishGauges();
            lastGauges = System.nanoTime();
        }
        List<UUID> orgs = jdbc.sql("select distinct org_id from deferred_runs limit 100").query(UUID.class).list();
        for (UUID org : orgs) {
            if (!running()) {
                break;
            }
            admit(org);
        }
        return orgs.isEmpty() ? Duration.ofSeconds(1) : Duration.ofMillis(BUSY_MS);
    }

    private void admit(UUID org) {
        long free = engine.liveRunsSoft(org) - liveRuns.count(org).started();
        if (free <= 0) {
            return;
        }
        List<UUID> next = jdbc.sql("select run_id from deferred_runs where org_id = :org order by created_at, run_id limit :free")
                .param("org", org).param("free", free).query(UUID.class).list();
        for (UUID runId : next) {
            transactions.inRun(runId, run -> {
                boolean mine = jdbc.sql("delete from deferred_runs where run_id = :run").param("run", runId).update() == 1;
                if (mine && !run.status().terminal()) {
                    advancer.advance(run);
                }
                return null;
            });
        }
    }

    private void publishGauges() {
        readyTasks.register(jdbc.sql("""
                select org_id, count(*) as n from tasks where lease_owner is null and not held and ready_at <= now()
                group by org_id order by n desc limit :max
                """).param("max", GAUGE_ORGS).query((rs, i) -> MultiGauge.Row.of(Tags.of("org", OrgTag.of(rs.getObject("org_id", UUID.class))), rs.getLong("n"))).list(),
                true);
        deferredRuns.register(jdbc.sql("select org_id, count(*) as n from deferred_runs group by org_id order by n desc limit :max")
                .param("max", GAUGE_ORGS).query((rs, i) -> MultiGauge.Row.of(Tags.of("org", OrgTag.of(rs.getObject("org_id", UUID.class))), rs.getLong("n"))).list(),
                true);
    }
}

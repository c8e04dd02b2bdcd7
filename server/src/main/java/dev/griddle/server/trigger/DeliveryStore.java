package dev.griddle.server.trigger;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * SQL for inbound webhook deliveries: the claimed delivery ids that de-duplicate them
 * ({@code webhook_deliveries}) and the per-trigger delivery log ({@code webhook_delivery_log}:
 * time, status, refusal reason, delivery id, run; never the body). Both are pruned once they are
 * older than {@code griddle.triggers.webhook-dedup-window}, in bounded batches.
 */
@Repository
class DeliveryStore {

    private static final Logger log = LoggerFactory.getLogger(DeliveryStore.class);
    static final int PRUNE_BATCH = 10_000;
    static final int PRUNE_MAX_BATCHES = 50;

    /** One request to a trigger's ingress: what it was answered and why. */
    record Delivery(UUID id, UUID triggerId, Instant receivedAt, int status, String reason, String deliveryId, UUID runId) {
    }

    private final JdbcClient jdbc;
    private final TriggerProperties props;
    private final Clock clock;

    DeliveryStore(JdbcClient jdbc, TriggerProperties props, Clock clock) {
        this.jdbc = jdbc;
        this.props = props;
        this.clock = clock;
    }

    /**
     * Claims a webhook delivery id for this trigger; false when it was claimed before (by this
     * request's sender retrying). A concurrent duplicate waits here until the first one commits.
     */
    boolean claim(UUID triggerId, String deliveryId, Instant now) {
        return jdbc.sql("""
                insert into webhook_deliveries (trigger_id, delivery_id, created_at) values (:trigger, :delivery, :now)
                on conflict do nothing
                """).param("trigger", triggerId).param("delivery", deliveryId).param("now", ts(now)).update() == 1;
    }

    void setRun(UUID triggerId, String deliveryId, UUID runId) {
        jdbc.sql("update webhook_deliveries set run_id = :run where trigger_id = :trigger and delivery_id = :delivery")
                .param("run", runId).param("trigger", triggerId).param("delivery", deliveryId).update();
    }

    Optional<UUID> run(UUID triggerId, String deliveryId) {
        return jdbc.sql("select run_id from webhook_deliveries where trigger_id = :trigger and delivery_id = :delivery")
                .param("trigger", triggerId).param("delivery", deliveryId).query((rs, n) -> rs.getObject(1, UUID.class)).optional();
    }

    void log(Delivery d) {
        jdbc.sql("""
                insert into webhook_delivery_log (id, trigger_id, received_at, status, reason, delivery_id, run_id)
                values (:id, :trigger, :at, :status, :reason, :delivery, :run)
                """).param("id", d.id()).param("trigger", d.triggerId()).param("at", ts(d.receivedAt())).param("status", d.status())
                .param("reason", d.reason(), Types.VARCHAR).param("delivery", d.deliveryId(), Types.VARCHAR).param("run", d.runId(), Types.OTHER)
                .update();
    }

    List<Delivery> list(UUID triggerId, int limit, long offset) {
        return jdbc.sql("select * from webhook_delivery_log where trigger_id = :trigger order by received_at desc, id limit :limit offset :offset")
                .param("trigger", triggerId).param("limit", limit).param("offset", offset)
                .query((rs, n) -> new Delivery(rs.getObject("id", UUID.class), rs.getObject("trigger_id", UUID.class),
                        instant(rs.getTimestamp("received_at")), rs.getInt("status"), rs.getString("reason"), rs.getString("delivery_id"),
                        rs.getObject("run_id", UUID.class))).list();
    }

    long count(UUID triggerId) {
        return jdbc.sql("select count(*) from webhook_delivery_log where trigger_id = :trigger").param("trigger", triggerId)
                .query(Long.class).single();
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void prune() {
        int pruned = pruneBefore(clock.instant().minus(props.webhookDedupWindow()));
        if (pruned > 0) {
            log.info("Pruned {} webhook delivery ids and log entries older than {}", pruned, props.webhookDedupWindow());
        }
    }

    /** Deletes delivery ids and log entries older than {@code cutoff}, at most {@link #PRUNE_MAX_BATCHES} batches of each per call. */
    int pruneBefore(Instant cutoff) {
        return batches("""
                delete from webhook_deliveries where ctid in (select ctid from webhook_deliveries where created_at < :cutoff limit :batch)
                """, cutoff) + batches("""
                delete from webhook_delivery_log where id in (select id from webhook_delivery_log where received_at < :cutoff limit :batch)
                """, cutoff);
    }

    private int batches(String sql, Instant cutoff) {
        int total = 0;
        for (int i = 0; i < PRUNE_MAX_BATCHES; i++) {
            int n = jdbc.sql(sql).param("cutoff", ts(cutoff)).param("batch", PRUNE_BATCH).update();
            total += n;
            if (n < PRUNE_BATCH) {
                break;
            }
        }
        return total;
    }
}

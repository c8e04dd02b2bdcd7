package dev.griddle.server.trigger;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for organization-level subscriptions and their outbox, {@code subscription_deliveries}: a
 * row per matching subscription is written in the transaction that made the event
 * ({@link #enqueue}), so an event committed is an event delivered (at least once), and the
 * sender claims them like runner notifications.
 */
@Repository
class SubscriptionStore implements Outbox {

    /** How many settled deliveries one pass drops at most (the rest go on the next). */
    static final int PRUNE_BATCH = 10_000;

    record Subscription(UUID id, UUID orgId, String url, List<String> events, String signingSecret, SignatureScheme signatureScheme,
            Instant createdAt) {
    }

    record Delivery(UUID id, String event, String payload, String status, int attempts, Integer responseStatus, String lastError,
            Instant nextAttemptAt, Instant createdAt, Instant deliveredAt) {
    }

    private final JdbcClient jdbc;
    private final DeliveryOutcomes outcomes;
    private final SubscriptionProperties props;

    SubscriptionStore(JdbcClient jdbc, SubscriptionProperties props) {
        this.jdbc = jdbc;
        this.outcomes = new DeliveryOutcomes(jdbc, "subscription_deliveries");
        this.props = props;
    }

    void insert(Subscription s) {
        jdbc.sql("""
                insert into notification_subscriptions (id, org_id, url, events, signing_secret, signature_scheme, created_at)
                values (:id, :org, :url, :events, :secret, :scheme, :now)
                """).param("id", s.id()).param("org", s.orgId()).param("url", s.url()).param("events", s.events().toArray(String[]::new))
                .param("secret", s.signingSecret()).param("scheme", s.signatureScheme().wire()).param("now", ts(s.createdAt())).update();
    }

    /** Serializes creations in one organization for the rest of the transaction, so two cannot both pass the cap. */
    void lockOrg(UUID orgId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('subscriptions:' || cast(:org as text), 0))").param("org", orgId)
                .query(Object.class).optional();
    }

    Optional<Subscription> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from notification_subscriptions where org_id = :org and id = :id").param("org", orgId).param("id", id)
                .query(this::row).optional();
    }

    List<Subscription> list(UUID orgId, int limit, long offset) {
        return jdbc.sql("select * from notification_subscriptions where org_id = :org order by created_at, id limit :limit offset :offset")
                .param("org", orgId).param("limit", limit).param("offset", offset).query(this::row).list();
    }

    long count(UUID orgId) {
        return jdbc.sql("select count(*) from notification_subscriptions where org_id = :org").param("org", orgId).query(Long.class).single();
    }

    boolean delete(UUID orgId, UUID id) {
        return jdbc.sql("delete from notification_subscriptions where org_id = :org and id = :id").param("org", orgId).param("id", id)
                .update() == 1;
    }

    /**
     * Queues {@code payload} for every subscription of the organization whose filters match
     * {@code event} (an exact name, or a prefix ending in {@code *}), in the caller's transaction,
     * unless the organization's outbox already holds {@code max-pending-per-org} undelivered rows.
     * Returns how many rows were queued, or -1 when the cap refused the event.
     */
    int enqueue(UUID orgId, String event, String payload, Instant now) {
        List<UUID> matching = jdbc.sql("""
                select s.id from notification_subscriptions s
                where s.org_id = :org and exists (select 1 from unnest(s.events) f
                                                  where f = :event or (right(f, 1) = '*' and starts_with(:event, left(f, -1))))
                """).param("org", orgId).param("event", event).query(UUID.class).list();
        if (matching.isEmpty()) {
            return 0;
        }
        long pending = jdbc.sql("select count(*) from subscription_deliveries where org_id = :org and status = 'pending'").param("org", orgId)
                .query(Long.class).single();
        if (pending + matching.size() > props.maxPendingPerOrg()) {
            return -1;
        }
        return jdbc.sql("""
                insert into subscription_deliveries (id, subscription_id, org_id, event, payload, status, next_attempt_at, created_at)
                select gen_random_uuid(), s, :org, :event, cast(:payload as jsonb), 'pending', :now, :now from unnest(cast(:subs as uuid[])) s
                """).param("org", orgId).param("event", event).param("payload", payload).param("now", ts(now))
                .param("subs", matching.toArray(UUID[]::new)).update();
    }

    /** Drops delivered and failed deliveries older than the retention, a batch at a time. */
    @Override
    public void scan(Instant now) {
        jdbc.sql("""
                delete from subscription_deliveries where id in (
                    select id from subscription_deliveries where status <> 'pending' and created_at < :cutoff limit :batch)
                """).param("cutoff", ts(now.minus(props.retention()))).param("batch", PRUNE_BATCH).update();
    }

    /** As {@link NotificationStore#claim}: organizations share {@code limit} in turns, each within {@code perOrg} minus its busy slots. */
    @Override
    public List<NotificationStore.Due> claim(int limit, int perOrg, Map<UUID, Integer> busy, Duration lease) {
        UUID[] orgs = busy.keySet().toArray(UUID[]::new);
        Integer[] counts = Arrays.stream(orgs).map(busy::get).toArray(Integer[]::new);
        return jdbc.sql("""
                with busy as (select * from unnest(cast(:orgs as uuid[]), cast(:busy as int[])) as b(org_id, n)),
                ranked as (
                    select d.id, d.next_attempt_at, d.org_id,
                           row_number() over (partition by d.org_id order by d.next_attempt_at, d.id) as turn
                    from subscription_deliveries d
                    where d.status = 'pending' and d.next_attempt_at <= now()),
                picked as (
                    select r.id from ranked r left join busy b on b.org_id = r.org_id
                    where r.turn <= :perOrg - coalesce(b.n, 0)
                    order by r.turn, r.next_attempt_at limit :limit),
                due as (
                    select d.id from subscription_deliveries d join picked on picked.id = d.id
                    where d.status = 'pending' and d.next_attempt_at <= now()
                    for update of d skip locked)
                update subscription_deliveries d set next_attempt_at = now() + cast(:lease as interval), claim_token = gen_random_uuid()
                from due, notification_subscriptions s
                where d.id = due.id and s.id = d.subscription_id
                returning d.id, d.claim_token, d.org_id, d.event, d.payload::text as payload, d.attempts, s.url, s.signing_secret,
                          s.signature_scheme
                """).param("orgs", orgs).param("busy", counts).param("perOrg", perOrg).param("limit", limit)
                .param("lease", lease.toMillis() + " milliseconds")
                .query((rs, i) -> new NotificationStore.Due(rs.getObject("id", UUID.class), rs.getObject("claim_token", UUID.class),
                        rs.getObject("org_id", UUID.class), rs.getString("event"), rs.getString("payload"), rs.getInt("attempts"),
                        rs.getString("url"), rs.getString("signing_secret"), scheme(rs.getString("signature_scheme")))).list();
    }

    @Override
    public boolean delivered(NotificationStore.Due d, int status, Instant now) {
        return outcomes.delivered(d, status, now);
    }

    @Override
    public boolean attemptFailed(NotificationStore.Due d, Integer status, String error, Instant retryAt) {
        return outcomes.attemptFailed(d, status, error, retryAt);
    }

    @Override
    public boolean postponed(NotificationStore.Due d, Instant until, String reason) {
        return outcomes.postponed(d, until, reason);
    }

    @Override
    public boolean released(NotificationStore.Due d) {
        return outcomes.released(d);
    }

    List<Delivery> deliveries(UUID subscriptionId, int limit, long offset) {
        return jdbc.sql("select * from subscription_deliveries where subscription_id = :s order by created_at desc, id limit :limit offset :offset")
                .param("s", subscriptionId).param("limit", limit).param("offset", offset).query((rs, i) -> {
                    int code = rs.getInt("response_status");
                    Integer responseStatus = rs.wasNull() ? null : code;
                    return new Delivery(rs.getObject("id", UUID.class), rs.getString("event"), rs.getString("payload"), rs.getString("status"),
                            rs.getInt("attempts"), responseStatus, rs.getString("last_error"), instant(rs.getTimestamp("next_attempt_at")),
                            instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("delivered_at")));
                }).list();
    }

    long countDeliveries(UUID subscriptionId) {
        return jdbc.sql("select count(*) from subscription_deliveries where subscription_id = :s").param("s", subscriptionId)
                .query(Long.class).single();
    }

    private Subscription row(ResultSet rs, int n) throws SQLException {
        return new Subscription(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("url"),
                Arrays.asList((String[]) rs.getArray("events").getArray()), rs.getString("signing_secret"), scheme(rs.getString("signature_scheme")),
                instant(rs.getTimestamp("created_at")));
    }

    private static SignatureScheme scheme(String wire) {
        return SignatureScheme.parse(wire).orElseThrow(() -> new IllegalStateException("subscription signature_scheme '" + wire + "'"));
    }
}

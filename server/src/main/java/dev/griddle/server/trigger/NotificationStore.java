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
 * SQL for outbound notifications and their deliveries. New run events become delivery rows by a
 * scan of the {@code events} table (no hook in the engine); the rows are the durable outbox the
 * sender works through, so a crash loses no delivery.
 */
@Repository
class NotificationStore implements Outbox {

    /** How far back each scan looks again, so events committed late (long transactions) are not missed; duplicates are ignored. */
    static final String SETTLE = "5 minutes";

    record Notification(UUID id, UUID orgId, UUID runnerId, UUID projectId, String url, List<String> events, String signingSecret,
            SignatureScheme signatureScheme, Instant createdAt) {
    }

    record Delivery(UUID id, UUID notificationId, UUID runId, String event, String payload, String status, int attempts,
            Integer responseStatus, String lastError, Instant nextAttemptAt, Instant createdAt, Instant deliveredAt) {
    }

    /** A delivery claimed for one attempt under {@code claimToken}, with where to send it. */
    record Due(UUID id, UUID claimToken, UUID orgId, String event, String payload, int attempts, String url, String signingSecret,
            SignatureScheme signatureScheme) {
    }

    private final JdbcClient jdbc;
    private final DeliveryOutcomes outcomes;

    NotificationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.outcomes = new DeliveryOutcomes(jdbc, "notification_deliveries");
    }

    void insert(Notification n) {
        jdbc.sql("""
                insert into notifications (id, org_id, runner_id, url, events, signing_secret, signature_scheme, scanned_until, created_at)
                values (:id, :org, :runner, :url, :events, :secret, :scheme, :now, :now)
                """).param("id", n.id()).param("org", n.orgId()).param("runner", n.runnerId()).param("url", n.url())
                .param("events", n.events().toArray(String[]::new)).param("secret", n.signingSecret())
                .param("scheme", n.signatureScheme().wire()).param("now", ts(n.createdAt())).update();
    }

    Optional<Notification> find(UUID orgId, UUID id) {
        return jdbc.sql("select n.*, r.project_id from notifications n join runners r on r.id = n.runner_id where n.org_id = :org and n.id = :id")
                .param("org", orgId).param("id", id).query(this::row).optional();
    }

    List<Notification> list(UUID orgId, UUID runnerId, int limit, long offset) {
        return jdbc.sql("""
                select n.*, r.project_id from notifications n join runners r on r.id = n.runner_id
                where n.org_id = :org and n.runner_id = :runner order by n.created_at, n.id limit :limit offset :offset
                """).param("org", orgId).param("runner", runnerId).param("limit", limit).param("offset", offset).query(this::row).list();
    }

    long count(UUID orgId, UUID runnerId) {
        return jdbc.sql("select count(*) from notifications where org_id = :org and runner_id = :runner").param("org", orgId)
                .param("runner", runnerId).query(Long.class).single();
    }

    boolean delete(UUID orgId, UUID id) {
        return jdbc.sql("delete from notifications where org_id = :org and id = :id").param("org", orgId).param("id", id).update() == 1;
    }

    @Override
    public void scan(Instant now) {
        scanRuns(now);
    }

    /** Turns run events new since the last scan into pending deliveries; returns how many. */
    int scanRuns(Instant now) {
        int created = jdbc.sql("""
                insert into notification_deliveries (id, notification_id, run_id, event_seq, event, payload, status, next_attempt_at, created_at)
                select gen_random_uuid(), n.id, e.run_id, e.seq, x.event,
                       jsonb_build_object('event', x.event, 'run_id', e.run_id, 'runner_id', r.runner_id, 'step_id', e.step_id,
                                          'status', r.status, 'data', e.data, 'occurred_at', e.created_at),
                       'pending', :now, :now
                from notifications n
                join runs r on r.org_id = n.org_id and r.runner_id = n.runner_id
                           and (r.finished_at is null or r.finished_at >= n.scanned_until - interval '%1$s')
                join events e on e.run_id = r.id
                cross join lateral (select case when e.type = 'approval_requested' then 'approval_requested'
                                                else 'run_' || (e.data ->> 'to') end as event) x
                where e.created_at >= n.created_at and e.created_at >= n.scanned_until - interval '%1$s'
                  and (e.type = 'approval_requested' or (e.type = 'state_changed' and e.data ->> 'to' in ('succeeded', 'failed', 'cancelled')))
                  and x.event = any(n.events)
                on conflict (notification_id, run_id, event_seq) do nothing
                """.formatted(SETTLE)).param("now", ts(now)).update();
        jdbc.sql("update notifications set scanned_until = :now where scanned_until < :now").param("now", ts(now)).update();
        return created;
    }

    /**
     * Claims due deliveries for one attempt each, at most {@code limit} and, per organization, no
     * more than {@code perOrg} minus what it has in flight here ({@code busy}); the others stay
     * unclaimed, so nothing waits on this node with its lease running. The organizations share the
     * limit in turns (each one's oldest first). A claimed delivery's next attempt moves to the end
     * of its lease (on the database's clock, so nodes' clocks need not agree) and it gets a fresh
     * claim token: another node does not take it meanwhile, a crash mid-send retries it after the
     * lease, and the outcome is written only under that token.
     */
    @Override
    public List<Due> claim(int limit, int perOrg, Map<UUID, Integer> busy, Duration lease) {
        UUID[] orgs = busy.keySet().toArray(UUID[]::new);
        Integer[] counts = Arrays.stream(orgs).map(busy::get).toArray(Integer[]::new);
        return jdbc.sql("""
                with busy as (select * from unnest(cast(:orgs as uuid[]), cast(:busy as int[])) as b(org_id, n)),
                ranked as (
                    select d.id, d.next_attempt_at, n.org_id,
                           row_number() over (partition by n.org_id order by d.next_attempt_at, d.id) as turn
                    from notification_deliveries d join notifications n on n.id = d.notification_id
                    where d.status = 'pending' and d.next_attempt_at <= now()),
                picked as (
                    select r.id from ranked r left join busy b on b.org_id = r.org_id
                    where r.turn <= :perOrg - coalesce(b.n, 0)
                    order by r.turn, r.next_attempt_at limit :limit),
                due as (
                    select d.id from notification_deliveries d join picked on picked.id = d.id
                    where d.status = 'pending' and d.next_attempt_at <= now()
                    for update of d skip locked)
                update notification_deliveries d set next_attempt_at = now() + cast(:lease as interval), claim_token = gen_random_uuid()
                from due, notifications n
                where d.id = due.id and n.id = d.notification_id
                returning d.id, d.claim_token, n.org_id, d.event, d.payload::text as payload, d.attempts, n.url, n.signing_secret,
                          n.signature_scheme
                """).param("orgs", orgs).param("busy", counts).param("perOrg", perOrg).param("limit", limit)
                .param("lease", lease.toMillis() + " milliseconds")
                .query((rs, i) -> new Due(rs.getObject("id", UUID.class), rs.getObject("claim_token", UUID.class),
                        rs.getObject("org_id", UUID.class), rs.getString("event"), rs.getString("payload"), rs.getInt("attempts"),
                        rs.getString("url"), rs.getString("signing_secret"), scheme(rs.getString("signature_scheme")))).list();
    }

    @Override
    public boolean delivered(Due d, int status, Instant now) {
        return outcomes.delivered(d, status, now);
    }

    @Override
    public boolean attemptFailed(Due d, Integer status, String error, Instant retryAt) {
        return outcomes.attemptFailed(d, status, error, retryAt);
    }

    @Override
    public boolean postponed(Due d, Instant until, String reason) {
        return outcomes.postponed(d, until, reason);
    }

    @Override
    public boolean released(Due d) {
        return outcomes.released(d);
    }

    List<Delivery> deliveries(UUID notificationId, int limit, long offset) {
        return jdbc.sql("select * from notification_deliveries where notification_id = :n order by created_at desc, id limit :limit offset :offset")
                .param("n", notificationId).param("limit", limit).param("offset", offset).query((rs, i) -> {
                    int code = rs.getInt("response_status");
                    Integer responseStatus = rs.wasNull() ? null : code;
                    return new Delivery(rs.getObject("id", UUID.class), rs.getObject("notification_id", UUID.class),
                            rs.getObject("run_id", UUID.class), rs.getString("event"), rs.getString("payload"), rs.getString("status"),
                            rs.getInt("attempts"), responseStatus, rs.getString("last_error"), instant(rs.getTimestamp("next_attempt_at")),
                            instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("delivered_at")));
                }).list();
    }

    long countDeliveries(UUID notificationId) {
        return jdbc.sql("select count(*) from notification_deliveries where notification_id = :n").param("n", notificationId)
                .query(Long.class).single();
    }

    private Notification row(ResultSet rs, int n) throws SQLException {
        return new Notification(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("runner_id", UUID.class),
                rs.getObject("project_id", UUID.class), rs.getString("url"), Arrays.asList((String[]) rs.getArray("events").getArray()),
                rs.getString("signing_secret"), scheme(rs.getString("signature_scheme")), instant(rs.getTimestamp("created_at")));
    }

    private static SignatureScheme scheme(String wire) {
        return SignatureScheme.parse(wire).orElseThrow(() -> new IllegalStateException("notification signature_scheme '" + wire + "'"));
    }
}

package dev.griddle.server.trigger;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SQL for {@code triggers} and {@code trigger_fires}; reads are scoped by organization except webhook ingress ({@link DeliveryStore} has the deliveries). */
@Repository
class TriggerStore {

    private static final String SELECT = "select t.*, r.project_id from triggers t join runners r on r.id = t.runner_id ";

    /** A runner as triggers see it: it exists in the organization, in this project (or none). */
    record RunnerRef(UUID id, UUID projectId, String name) {
    }

    /** One fire of a cron trigger: a run started, or a skip and why. */
    record Fire(UUID id, UUID triggerId, Instant scheduledAt, Instant firedAt, UUID runId, boolean skipped, String reason, int missed) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    TriggerStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<RunnerRef> runner(UUID orgId, UUID runnerId) {
        return jdbc.sql("select id, project_id, name from runners where org_id = :org and id = :id").param("org", orgId).param("id", runnerId)
                .query((rs, n) -> new RunnerRef(rs.getObject("id", UUID.class), rs.getObject("project_id", UUID.class), rs.getString("name")))
                .optional();
    }

    Optional<StoredTrigger> find(UUID orgId, UUID id) {
        return jdbc.sql(SELECT + "where t.org_id = :org and t.id = :id").param("org", orgId).param("id", id).query(this::row).optional();
    }

    /** For webhook ingress, which knows no organization until the signature checks out. */
    Optional<StoredTrigger> findWebhook(UUID id) {
        return jdbc.sql(SELECT + "where t.id = :id and t.type = 'webhook'").param("id", id).query(this::row).optional();
    }

    List<StoredTrigger> listForRunner(UUID orgId, UUID runnerId, int limit, long offset) {
        return jdbc.sql(SELECT + "where t.org_id = :org and t.runner_id = :runner order by t.created_at, t.id limit :limit offset :offset")
                .param("org", orgId).param("runner", runnerId).param("limit", limit).param("offset", offset).query(this::row).list();
    }

    long countForRunner(UUID orgId, UUID runnerId) {
        return jdbc.sql("select count(*) from triggers where org_id = :org and runner_id = :runner").param("org", orgId).param("runner", runnerId)
                .query(Long.class).single();
    }

    void insert(StoredTrigger t) {
        jdbc.sql("""
                insert into triggers (id, org_id, runner_id, type, enabled, input, cron_schedule, cron_timezone, cron_overlap, next_fire_at,
                                      signing_secret, signature_scheme, created_at, updated_at)
                values (:id, :org, :runner, :type, :enabled, cast(:input as jsonb), :schedule, :timezone, :overlap, :next, :secret, :scheme,
                        :now, :now)
                """).param("id", t.id()).param("org", t.orgId()).param("runner", t.runnerId()).param("type", t.type())
                .param("enabled", t.enabled()).param("input", write(t.input()), Types.VARCHAR).param("schedule", t.schedule(), Types.VARCHAR)
                .param("timezone", t.timezone(), Types.VARCHAR).param("overlap", t.overlap(), Types.VARCHAR)
                .param("next", ts(t.nextFireAt()), Types.TIMESTAMP).param("secret", t.signingSecret(), Types.VARCHAR)
                .param("scheme", t.signatureScheme() == null ? null : t.signatureScheme().wire(), Types.VARCHAR)
                .param("now", ts(t.createdAt())).update();
    }

    /** Writes the editable fields and the recomputed next fire. */
    void update(StoredTrigger t) {
        jdbc.sql("""
                update triggers set enabled = :enabled, input = cast(:input as jsonb), cron_schedule = :schedule, cron_timezone = :timezone,
                       cron_overlap = :overlap, next_fire_at = :next, updated_at = :now
                where org_id = :org and id = :id
                """).param("id", t.id()).param("org", t.orgId()).param("enabled", t.enabled()).param("input", write(t.input()), Types.VARCHAR)
                .param("schedule", t.schedule(), Types.VARCHAR).param("timezone", t.timezone(), Types.VARCHAR)
                .param("overlap", t.overlap(), Types.VARCHAR).param("next", ts(t.nextFireAt()), Types.TIMESTAMP)
                .param("now", ts(t.updatedAt())).update();
    }

    void rotate(UUID orgId, UUID id, String sealedNew, String sealedPrevious, Instant previousExpiresAt, Instant now) {
        jdbc.sql("""
                update triggers set signing_secret = :secret, previous_secret = :previous, previous_secret_expires_at = :expires, updated_at = :now
                where org_id = :org and id = :id
                """).param("secret", sealedNew).param("previous", sealedPrevious).param("expires", ts(previousExpiresAt))
                .param("now", ts(now)).param("org", orgId).param("id", id).update();
    }

    boolean delete(UUID orgId, UUID id) {
        return jdbc.sql("delete from triggers where org_id = :org and id = :id").param("org", orgId).param("id", id).update() == 1;
    }

    /** Enabled cron triggers due at {@code now}, earliest first. */
    List<StoredTrigger> due(Instant now, int limit) {
        return jdbc.sql(SELECT + "where t.type = 'cron' and t.enabled and t.next_fire_at <= :now order by t.next_fire_at limit :limit")
                .param("now", ts(now)).param("limit", limit).query(this::row).list();
    }

    /** The earliest next fire of any enabled cron trigger, to sleep until it. */
    Optional<Instant> soonest() {
        return jdbc.sql("select min(next_fire_at) from triggers where type = 'cron' and enabled").query((rs, n) -> instant(rs.getTimestamp(1)))
                .optional();
    }

    /**
     * The claim of one scheduled instant: moves {@code next_fire_at} from {@code expected} to
     * {@code next}. Only one node's update matches; that node starts the run.
     */
    boolean advance(UUID id, Instant expected, Instant next, Instant now) {
        return jdbc.sql("""
                update triggers set next_fire_at = :next, last_fired_at = :now
                where id = :id and enabled and next_fire_at = :expected
                """).param("next", ts(next)).param("now", ts(now)).param("id", id).param("expected", ts(expected)).update() == 1;
    }

    void recordFire(Fire f) {
        jdbc.sql("""
                insert into trigger_fires (id, trigger_id, scheduled_at, fired_at, run_id, skipped, reason, missed)
                values (:id, :trigger, :scheduled, :fired, :run, :skipped, :reason, :missed)
                """).param("id", f.id()).param("trigger", f.triggerId()).param("scheduled", ts(f.scheduledAt())).param("fired", ts(f.firedAt()))
                .param("run", f.runId(), Types.OTHER).param("skipped", f.skipped()).param("reason", f.reason(), Types.VARCHAR)
                .param("missed", f.missed()).update();
    }

    List<Fire> fires(UUID triggerId, int limit, long offset) {
        return jdbc.sql("select * from trigger_fires where trigger_id = :trigger order by scheduled_at desc, fired_at desc limit :limit offset :offset")
                .param("trigger", triggerId).param("limit", limit).param("offset", offset)
                .query((rs, n) -> new Fire(rs.getObject("id", UUID.class), rs.getObject("trigger_id", UUID.class),
                        instant(rs.getTimestamp("scheduled_at")), instant(rs.getTimestamp("fired_at")), rs.getObject("run_id", UUID.class),
                        rs.getBoolean("skipped"), rs.getString("reason"), rs.getInt("missed"))).list();
    }

    long countFires(UUID triggerId) {
        return jdbc.sql("select count(*) from trigger_fires where trigger_id = :trigger").param("trigger", triggerId).query(Long.class).single();
    }

    private String write(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : json.writeValueAsString(node);
    }

    private StoredTrigger row(ResultSet rs, int n) throws SQLException {
        String input = rs.getString("input");
        return new StoredTrigger(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("runner_id", UUID.class),
                rs.getObject("project_id", UUID.class), rs.getString("type"), rs.getBoolean("enabled"), input == null ? null : json.readTree(input),
                rs.getString("cron_schedule"), rs.getString("cron_timezone"), rs.getString("cron_overlap"),
                instant(rs.getTimestamp("next_fire_at")), instant(rs.getTimestamp("last_fired_at")), rs.getString("signing_secret"),
                rs.getString("previous_secret"), instant(rs.getTimestamp("previous_secret_expires_at")),
                SignatureScheme.parse(rs.getString("signature_scheme")).orElse(null), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    }
}

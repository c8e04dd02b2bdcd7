package dev.griddle.server.experiment;

import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.store.Sql;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SQL for {@code datasets} and {@code dataset_cases}. */
@Repository
class DatasetStore {

    record Dataset(UUID id, UUID orgId, UUID projectId, UUID runnerId, String name, long cases, long sizeBytes, Instant createdAt) {
    }

    /** {@code recordedCalls}: how many calls the case's recording copy holds (0: none). */
    record Case(UUID id, UUID datasetId, long position, JsonNode input, JsonNode expected, UUID sourceRunId, BigDecimal costUsd, Long durationMs,
            Long tokens, long sizeBytes, int recordedCalls, Instant createdAt) {
    }

    private static final String DATASET = """
            select d.*, (select count(*) from dataset_cases c where c.dataset_id = d.id) as case_count,
                   (select coalesce(sum(c.size_bytes), 0) from dataset_cases c where c.dataset_id = d.id) as size_bytes
            from datasets d""";

    private static final String CASE = """
            select c.*, (select count(*) from dataset_case_calls k where k.case_id = c.id) as recorded_calls from dataset_cases c""";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    DatasetStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(UUID id, UUID orgId, UUID projectId, UUID runnerId, String name, Instant now) {
        jdbc.sql("insert into datasets (id, org_id, project_id, runner_id, name, created_at) values (:id, :org, :project, :runner, :name, :now)")
                .param("id", id).param("org", orgId).param("project", projectId).param("runner", runnerId).param("name", name).param("now", ts(now))
                .update();
    }

    Optional<Dataset> find(UUID orgId, UUID id) {
        return jdbc.sql(DATASET + " where d.org_id = :org and d.id = :id").param("org", orgId).param("id", id).query(this::dataset).optional();
    }

    /** The dataset row locked for this transaction, so concurrent additions check its bounds one at a time. */
    Optional<Dataset> lock(UUID orgId, UUID id) {
        jdbc.sql("select id from datasets where org_id = :org and id = :id for update").param("org", orgId).param("id", id).query(UUID.class).optional();
        return find(orgId, id);
    }

    /** A page of the datasets whose project the caller sees ({@code projects} null: all), newest first. */
    List<Dataset> list(UUID orgId, List<UUID> projects, UUID runnerId, int limit, long offset) {
        return jdbc.sql(DATASET + """
                 where d.org_id = :org and (cast(:all as boolean) or d.project_id = any(cast(:projects as uuid[])))
                   and (cast(:runner as uuid) is null or d.runner_id = :runner)
                order by d.created_at desc, d.id limit :limit offset :offset""")
                .param("org", orgId).param("all", projects == null).param("projects", projects == null ? new UUID[0] : projects.toArray(UUID[]::new))
                .param("runner", runnerId).param("limit", limit).param("offset", offset).query(this::dataset).list();
    }

    long count(UUID orgId, List<UUID> projects, UUID runnerId) {
        return jdbc.sql("""
                select count(*) from datasets d where d.org_id = :org and (cast(:all as boolean) or d.project_id = any(cast(:projects as uuid[])))
                  and (cast(:runner as uuid) is null or d.runner_id = :runner)""")
                .param("org", orgId).param("all", projects == null).param("projects", projects == null ? new UUID[0] : projects.toArray(UUID[]::new))
                .param("runner", runnerId).query(Long.class).single();
    }

    boolean delete(UUID orgId, UUID id) {
        return jdbc.sql("delete from datasets where org_id = :org and id = :id").param("org", orgId).param("id", id).update() == 1;
    }

    void insertCase(UUID id, UUID datasetId, JsonNode input, JsonNode expected, UUID sourceRunId, BigDecimal costUsd, Long durationMs, Long tokens,
            long sizeBytes, Instant now) {
        jdbc.sql("""
                insert into dataset_cases (id, dataset_id, input, expected, source_run_id, cost_usd, duration_ms, tokens, size_bytes, created_at)
                values (:id, :dataset, cast(:input as jsonb), cast(:expected as jsonb), :run, :cost, :duration, :tokens, :size, :now)""")
                .param("id", id).param("dataset", datasetId).param("input", json.writeValueAsString(input))
                .param("expected", expected == null ? null : json.writeValueAsString(expected)).param("run", sourceRunId).param("cost", costUsd)
                .param("duration", durationMs).param("tokens", tokens).param("size", sizeBytes).param("now", ts(now)).update();
    }

    void addSize(UUID caseId, long bytes) {
        jdbc.sql("update dataset_cases set size_bytes = size_bytes + :bytes where id = :id").param("bytes", bytes).param("id", caseId).update();
    }

    List<Case> cases(UUID datasetId) {
        return jdbc.sql(CASE + " where c.dataset_id = :dataset order by c.position").param("dataset", datasetId).query(this::oneCase).list();
    }

    Optional<Case> findCase(UUID datasetId, UUID caseId) {
        return jdbc.sql(CASE + " where c.dataset_id = :dataset and c.id = :id").param("dataset", datasetId).param("id", caseId).query(this::oneCase)
                .optional();
    }

    boolean deleteCase(UUID datasetId, UUID caseId) {
        return jdbc.sql("delete from dataset_cases where dataset_id = :dataset and id = :id").param("dataset", datasetId).param("id", caseId)
                .update() == 1;
    }

    private Dataset dataset(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Dataset(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("project_id", UUID.class),
                rs.getObject("runner_id", UUID.class), rs.getString("name"), rs.getLong("case_count"), rs.getLong("size_bytes"),
                Sql.instant(rs.getTimestamp("created_at")));
    }

    private Case oneCase(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        String expected = rs.getString("expected");
        return new Case(rs.getObject("id", UUID.class), rs.getObject("dataset_id", UUID.class), rs.getLong("position"),
                json.readTree(rs.getString("input")), expected == null ? null : json.readTree(expected), rs.getObject("source_run_id", UUID.class),
                rs.getBigDecimal("cost_usd"), rs.getObject("duration_ms", Long.class), rs.getObject("tokens", Long.class), rs.getLong("size_bytes"),
                rs.getInt("recorded_calls"), Sql.instant(rs.getTimestamp("created_at")));
    }
}

package dev.griddle.server.experiment;

import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.runner.GatedRunners;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SQL for {@code publish_gates}: a runner's gate, one at most. */
@Repository
class PublishGateStore implements GatedRunners {

    record Gate(UUID runnerId, UUID datasetId, BigDecimal minPassRate, JsonNode evaluators, Instant updatedAt) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    PublishGateStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public boolean gated(UUID orgId, UUID runnerId) {
        return find(orgId, runnerId).isPresent();
    }

    Optional<Gate> find(UUID orgId, UUID runnerId) {
        return jdbc.sql("select * from publish_gates where org_id = :org and runner_id = :runner").param("org", orgId).param("runner", runnerId)
                .query((rs, n) -> new Gate(rs.getObject("runner_id", UUID.class), rs.getObject("dataset_id", UUID.class),
                        rs.getBigDecimal("min_pass_rate"), json.readTree(rs.getString("evaluators")), rs.getTimestamp("updated_at").toInstant()))
                .optional();
    }

    void put(UUID orgId, Gate gate) {
        jdbc.sql("""
                insert into publish_gates (runner_id, org_id, dataset_id, min_pass_rate, evaluators, updated_at)
                values (:runner, :org, :dataset, :min, cast(:evaluators as jsonb), :now)
                on conflict (runner_id) do update set dataset_id = excluded.dataset_id, min_pass_rate = excluded.min_pass_rate,
                    evaluators = excluded.evaluators, updated_at = excluded.updated_at""")
                .param("runner", gate.runnerId()).param("org", orgId).param("dataset", gate.datasetId()).param("min", gate.minPassRate())
                .param("evaluators", json.writeValueAsString(gate.evaluators())).param("now", ts(gate.updatedAt())).update();
    }

    boolean delete(UUID orgId, UUID runnerId) {
        return jdbc.sql("delete from publish_gates where org_id = :org and runner_id = :runner").param("org", orgId).param("runner", runnerId)
                .update() == 1;
    }
}

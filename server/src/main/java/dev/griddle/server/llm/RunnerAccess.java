package dev.griddle.server.llm;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * For the runner sub-resources of this issue (budget, connections): the runner must exist in the
 * caller's organization and be visible to its key, else 404. Read-only SQL on {@code runners}.
 */
@Component
public class RunnerAccess {

    private final JdbcClient jdbc;

    RunnerAccess(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void check(Caller caller, UUID runnerId) {
        Optional<Optional<UUID>> project = jdbc.sql("select project_id from runners where org_id = :org and id = :id")
                .param("org", caller.orgId()).param("id", runnerId)
                .query((rs, n) -> Optional.ofNullable(rs.getObject("project_id", UUID.class))).optional();
        if (project.isEmpty() || !caller.sees(project.get().orElse(null))) {
            throw ApiException.notFound("runner", runnerId);
        }
    }
}

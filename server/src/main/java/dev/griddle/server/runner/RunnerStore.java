package dev.griddle.server.runner;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.auth.ProjectMembers;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SQL for {@code runners}: always scoped by organization; listing also by the projects a
 * project-limited key may see. Also lists runners as members of a project.
 */
@Repository
class RunnerStore implements ProjectMembers {

    private static final TypeReference<List<RunnerDraft.Step>> STEPS = new TypeReference<>() { };
    private static final TypeReference<List<String>> REDACT = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    RunnerStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<StoredRunner> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from runners where org_id = :org and id = :id").param("org", orgId).param("id", id).query(this::row).optional();
    }

    /** What starting a run needs of a runner row: its project, its draft's hash and its latest version (none of the draft's JSON). */
    record Head(UUID projectId, String draftHash, Integer latestVersion) {
    }

    Optional<Head> head(UUID orgId, UUID id) {
        return jdbc.sql("select project_id, draft_hash, latest_version from runners where org_id = :org and id = :id")
                .param("org", orgId).param("id", id)
                .query((rs, n) -> new Head(rs.getObject("project_id", UUID.class), rs.getString("draft_hash"),
                        (Integer) rs.getObject("latest_version")))
                .optional();
    }

    /** The runner with its row locked until the transaction ends, so publishing is serialized per runner. */
    Optional<StoredRunner> lock(UUID orgId, UUID id) {
        return jdbc.sql("select * from runners where org_id = :org and id = :id for update").param("org", orgId).param("id", id)
                .query(this::row).optional();
    }

    /** The runner named {@code name} in {@code projectId} (null = the org-level namespace): names are unique per project. */
    Optional<StoredRunner> findByName(UUID orgId, UUID projectId, String name) {
        return jdbc.sql("select * from runners where org_id = :org and project_id is not distinct from :project and name = :name")
                .param("org", orgId).param("project", projectId, Types.OTHER).param("name", name).query(this::row).optional();
    }

    /**
     * A runner named {@code name} that a key of {@code scope} sees, for references by name: the
     * org-level one first, then the oldest (the same name may exist in several visible projects).
     */
    Optional<StoredRunner> findVisibleByName(UUID orgId, ProjectScope scope, String name) {
        return jdbc.sql("""
                select * from runners
                where org_id = :org and name = :name and (cast(:ids as uuid[]) is null or project_id = any(cast(:ids as uuid[])))
                order by project_id is not null, created_at, id limit 1
                """).param("org", orgId).param("name", name).param("ids", scope.sqlArray()).query(this::row).optional();
    }

    /** Whether another runner of {@code projectId} (null = the org-level namespace) has this name. */
    boolean nameTaken(UUID orgId, UUID projectId, String name, UUID except) {
        return jdbc.sql("select count(*) from runners where org_id = :org and project_id is not distinct from :project and name = :name and id <> :except")
                .param("org", orgId).param("project", projectId, Types.OTHER).param("name", name)
                .param("except", except == null ? new UUID(0, 0) : except).query(Long.class).single() > 0;
    }

    List<StoredRunner> list(Caller caller, UUID projectId, PageQuery page) {
        return jdbc.sql("""
                select * from runners
                where org_id = :org
                  and (cast(:ids as uuid[]) is null or project_id = any(cast(:ids as uuid[])))
                  and (cast(:project as uuid) is null or project_id = cast(:project as uuid))
                order by created_at, id limit :limit offset :offset
                """).param("org", caller.orgId()).param("ids", ids(caller)).param("project", projectId, Types.OTHER)
                .param("limit", page.perPage()).param("offset", page.offset()).query(this::row).list();
    }

    /** The first {@code limit} runners of the organization in {@code scope}, oldest first. */
    List<StoredRunner> visible(UUID orgId, ProjectScope scope, int limit) {
        return jdbc.sql("""
                select * from runners
                where org_id = :org and (cast(:ids as uuid[]) is null or project_id = any(cast(:ids as uuid[])))
                order by created_at, id limit :limit
                """).param("org", orgId).param("ids", scope.sqlArray()).param("limit", limit).query(this::row).list();
    }

    long count(Caller caller, UUID projectId) {
        return jdbc.sql("""
                select count(*) from runners
                where org_id = :org
                  and (cast(:ids as uuid[]) is null or project_id = any(cast(:ids as uuid[])))
                  and (cast(:project as uuid) is null or project_id = cast(:project as uuid))
                """).param("org", caller.orgId()).param("ids", ids(caller)).param("project", projectId, Types.OTHER)
                .query(Long.class).single();
    }

    void insert(StoredRunner r) {
        jdbc.sql("""
                insert into runners (id, org_id, project_id, name, description, default_model, input_schema, steps, output, recording, redact,
                                     draft_hash, created_at, updated_at)
                values (:id, :org, :project, :name, :description, :model, cast(:schema as jsonb), cast(:steps as jsonb), cast(:output as jsonb),
                        :recording, cast(:redact as jsonb), :hash, :now, :now)
                """).param("id", r.id()).param("org", r.orgId()).param("project", r.projectId(), Types.OTHER).param("name", r.name())
                .param("description", r.description(), Types.VARCHAR).param("model", r.defaultModel(), Types.VARCHAR)
                .param("schema", write(r.inputSchema()), Types.VARCHAR).param("steps", json.writeValueAsString(r.steps()))
                .param("output", write(r.output()), Types.VARCHAR)
                .param("recording", r.recording(), Types.VARCHAR).param("redact", r.redact() == null ? null : json.writeValueAsString(r.redact()), Types.VARCHAR)
                .param("hash", r.draftHash()).param("now", ts(r.createdAt())).update();
    }

    void update(StoredRunner r) {
        jdbc.sql("""
                update runners set project_id = :project, name = :name, description = :description, default_model = :model,
                       input_schema = cast(:schema as jsonb), steps = cast(:steps as jsonb), output = cast(:output as jsonb),
                       recording = :recording, redact = cast(:redact as jsonb), draft_hash = :hash, updated_at = :now
                where org_id = :org and id = :id
                """).param("id", r.id()).param("org", r.orgId()).param("project", r.projectId(), Types.OTHER).param("name", r.name())
                .param("description", r.description(), Types.VARCHAR).param("model", r.defaultModel(), Types.VARCHAR)
                .param("schema", write(r.inputSchema()), Types.VARCHAR).param("steps", json.writeValueAsString(r.steps()))
                .param("output", write(r.output()), Types.VARCHAR)
                .param("recording", r.recording(), Types.VARCHAR).param("redact", r.redact() == null ? null : json.writeValueAsString(r.redact()), Types.VARCHAR)
                .param("hash", r.draftHash()).param("now", ts(r.updatedAt())).update();
    }

    void setLatestVersion(UUID orgId, UUID id, int version) {
        jdbc.sql("update runners set latest_version = :v where org_id = :org and id = :id")
                .param("v", version).param("org", orgId).param("id", id).update();
    }

    boolean delete(UUID orgId, UUID id) {
        return jdbc.sql("delete from runners where org_id = :org and id = :id").param("org", orgId).param("id", id).update() == 1;
    }

    @Override
    public String kind() {
        return "runners";
    }

    @Override
    public List<Member> members(UUID orgId, UUID projectId) {
        return jdbc.sql("select id, name from runners where org_id = :org and project_id = :project order by name")
                .param("org", orgId).param("project", projectId)
                .query((rs, n) -> new Member(rs.getObject("id", UUID.class), rs.getString("name"))).list();
    }

    private String write(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : json.writeValueAsString(node);
    }

    private JsonNode read(String text) {
        return text == null ? null : json.readTree(text);
    }

    private StoredRunner row(ResultSet rs, int n) throws SQLException {
        int latest = rs.getInt("latest_version");
        Integer latestVersion = rs.wasNull() ? null : latest;
        return new StoredRunner(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("project_id", UUID.class),
                rs.getString("name"), rs.getString("description"), rs.getString("default_model"), read(rs.getString("input_schema")),
                json.readValue(rs.getString("steps"), STEPS), read(rs.getString("output")), rs.getString("recording"),
                rs.getString("redact") == null ? null : json.readValue(rs.getString("redact"), REDACT), rs.getString("draft_hash"), latestVersion,
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    }

    private static UUID[] ids(Caller caller) {
        return caller.projectIds() == null ? null : caller.projectIds().toArray(UUID[]::new);
    }
}

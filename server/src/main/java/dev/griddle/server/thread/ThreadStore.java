package dev.griddle.server.thread;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** SQL for {@code threads} and {@code thread_messages}. */
@Repository
class ThreadStore {

    /** An agent as a thread sees it: which project it is in (for keys limited to some projects). */
    record AgentRef(UUID id, UUID projectId) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    ThreadStore(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    Optional<AgentRef> agent(UUID orgId, UUID agentId) {
        return jdbc.sql("select id, project_id from agents where org_id = :org and id = :id").param("org", orgId).param("id", agentId)
                .query((rs, n) -> new AgentRef(rs.getObject("id", UUID.class), rs.getObject("project_id", UUID.class))).optional();
    }

    void insert(ChatThread t) {
        jdbc.sql("""
                insert into threads (id, org_id, agent_id, title, user_name, created_at, updated_at)
                values (:id, :org, :agent, :title, :user, :created, :updated)
                """).param("id", t.id()).param("org", t.orgId()).param("agent", t.agentId()).param("title", t.title()).param("user", t.user())
                .param("created", ts(t.createdAt())).param("updated", ts(t.updatedAt())).update();
    }

    Optional<ChatThread> find(UUID orgId, UUID id) {
        return jdbc.sql("select * from threads where org_id = :org and id = :id").param("org", orgId).param("id", id).query(this::thread)
                .optional();
    }

    /**
     * Threads of agents in the given projects only, unless {@code projects} is null (a key for all
     * projects): a key limited to some projects lists what it may open.
     */
    private static final String VISIBLE = """
            from threads t join agents a on a.id = t.agent_id
            where t.org_id = :org and (cast(:agent as uuid) is null or t.agent_id = :agent)
              and (cast(:projects as uuid[]) is null or a.project_id = any(cast(:projects as uuid[])))
            """;

    List<ChatThread> list(UUID orgId, UUID agentId, Set<UUID> projects, int limit, long offset) {
        return jdbc.sql("select t.* " + VISIBLE + " order by t.created_at desc, t.id limit :limit offset :offset").param("org", orgId)
                .param("agent", agentId).param("projects", projects == null ? null : projects.toArray(UUID[]::new)).param("limit", limit)
                .param("offset", offset).query(this::thread).list();
    }

    long count(UUID orgId, UUID agentId, Set<UUID> projects) {
        return jdbc.sql("select count(*) " + VISIBLE).param("org", orgId).param("agent", agentId)
                .param("projects", projects == null ? null : projects.toArray(UUID[]::new)).query(Long.class).single();
    }

    void touch(UUID id, Instant now) {
        jdbc.sql("update threads set updated_at = :now where id = :id").param("now", ts(now)).param("id", id).update();
    }

    /** Appends a message after the thread's last one. */
    ThreadMessage append(UUID orgId, UUID threadId, String role, String content, String status, Instant now) {
        UUID id = UUID.randomUUID();
        long seq = jdbc.sql("""
                insert into thread_messages (id, org_id, thread_id, seq, role, content, status, created_at)
                values (:id, :org, :thread, (select coalesce(max(seq), 0) + 1 from thread_messages where thread_id = :thread), :role, :content,
                        :status, :now)
                returning seq
                """).param("id", id).param("org", orgId).param("thread", threadId).param("role", role).param("content", content)
                .param("status", status).param("now", ts(now)).query(Long.class).single();
        return new ThreadMessage(id, threadId, seq, role, content, status, json.createArrayNode(), "assistant".equals(role) ? ThreadMessage.Usage.NONE
                : null, now);
    }

    /**
     * Stores the answer with its calls (its trace) and, for a failed turn, why it failed; one marked
     * {@code interrupted} meanwhile (its turn was taken over) keeps that status.
     */
    void finish(UUID messageId, String content, String status, String toolCalls, String trace, String error) {
        jdbc.sql("""
                update thread_messages set content = :content, tool_calls = cast(:calls as jsonb), trace = cast(:trace as jsonb),
                       error = cast(:error as jsonb), finished_at = :now,
                       status = case when status = 'streaming' then :status else status end
                where id = :id
                """).param("content", content).param("status", status).param("calls", toolCalls).param("trace", trace).param("error", error)
                .param("now", ts(clock.instant())).param("id", messageId).update();
    }

    List<ThreadMessage> messages(UUID threadId, int limit, long offset) {
        return jdbc.sql("select * from thread_messages where thread_id = :thread order by seq limit :limit offset :offset")
                .param("thread", threadId).param("limit", limit).param("offset", offset).query(this::message).list();
    }

    long countMessages(UUID threadId) {
        return jdbc.sql("select count(*) from thread_messages where thread_id = :thread").param("thread", threadId).query(Long.class).single();
    }

    /** The last {@code limit} messages worth remembering (no failed or unfinished answers), oldest first. */
    List<ThreadMessage> history(UUID threadId, int limit) {
        return jdbc.sql("""
                select * from (select * from thread_messages where thread_id = :thread and status in ('completed', 'stopped')
                               order by seq desc limit :limit) m
                order by seq
                """).param("thread", threadId).param("limit", limit).query(this::message).list();
    }

    /** A user's message and the answer stored right after it, if any yet. */
    record QuestionAnswer(ThreadMessage question, ThreadMessage answer) {
    }

    /** The user's message {@code questionId} of the organization and its answer (the next message, written by the turn). */
    Optional<QuestionAnswer> questionAnswer(UUID orgId, UUID questionId) {
        Optional<ThreadMessage> question = jdbc.sql("select * from thread_messages where org_id = :org and id = :id and role = 'user'")
                .param("org", orgId).param("id", questionId).query(this::message).optional();
        return question.map(q -> new QuestionAnswer(q, jdbc.sql("select * from thread_messages where thread_id = :thread and seq = :seq and role = 'assistant'")
                .param("thread", q.threadId()).param("seq", q.seq() + 1).query(this::message).optional().orElse(null)));
    }

    private ChatThread thread(ResultSet rs, int n) throws SQLException {
        return new ChatThread(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("agent_id", UUID.class),
                rs.getString("title"), rs.getString("user_name"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    }

    private ThreadMessage message(ResultSet rs, int n) throws SQLException {
        String role = rs.getString("role");
        ThreadMessage.Usage usage = "assistant".equals(role) ? new ThreadMessage.Usage(rs.getString("model"), rs.getInt("model_calls"),
                rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getBigDecimal("cost_usd")) : null;
        return new ThreadMessage(rs.getObject("id", UUID.class), rs.getObject("thread_id", UUID.class), rs.getLong("seq"), role,
                rs.getString("content"), rs.getString("status"), json.readTree(rs.getString("tool_calls")), usage,
                instant(rs.getTimestamp("created_at")));
    }
}

package dev.griddle.server.memory;

import dev.griddle.server.knowledge.VectorSearch;
import dev.griddle.server.tool.Tool;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * An agent's memory as the rest of the server uses it: writing an entry (announced, so every
 * node's index takes its vector once the embedding loop has made it), searching one user's
 * entries, the {@code remember} and {@code recall} tools of a turn, and indexing a finished turn
 * when the agent's {@code auto_index_turns} setting is on. Callers have checked that the agent is
 * visible; the user is the thread's (null: entries without a user).
 */
@Component
public class AgentMemory {

    /** The longest user name a thread or an entry may carry. */
    public static final int MAX_USER = 200;
    static final String TURN_SEPARATOR = "\n---\n";

    private final MemoryStore store;
    private final MemorySearch search;
    private final VectorSearch vectors;
    private final MemoryProperties props;
    private final Clock clock;

    AgentMemory(MemoryStore store, MemorySearch search, VectorSearch vectors, MemoryProperties props, Clock clock) {
        this.store = store;
        this.search = search;
        this.vectors = vectors;
        this.props = props;
        this.clock = clock;
    }

    /** Stores an entry, or nothing when the agent already holds {@code max-entries-per-agent} (empty). Text is checked by the caller. */
    @Transactional
    public Optional<MemoryEntry> remember(UUID orgId, UUID agentId, String user, String text, String source) {
        MemoryEntry entry = new MemoryEntry(UUID.randomUUID(), agentId, user, text, clock.instant(), source);
        if (!store.insert(orgId, entry, props.maxEntriesPerAgent())) {
            return Optional.empty();
        }
        vectors.changed(entry.id());
        return Optional.of(entry);
    }

    List<MemorySearch.Hit> recall(UUID orgId, UUID agentId, String user, String query, int topK) {
        return search.search(orgId, agentId, user, query, topK);
    }

    /** The memory tools of a turn of this agent with this user. */
    public Map<String, Tool> tools(UUID orgId, UUID agentId, String user) {
        Map<String, Tool> out = new LinkedHashMap<>();
        out.put(RememberTool.NAME, new RememberTool(this, orgId, agentId, user, props.maxText()));
        out.put(RecallTool.NAME, new RecallTool(this, orgId, agentId, user, props.maxTopK()));
        return out;
    }

    /**
     * Remembers a completed turn (the user's message and the answer, cut to {@code max-text}) when
     * the agent's {@code auto_index_turns} is on; a full memory skips it rather than failing the turn.
     */
    public void indexTurn(UUID orgId, UUID agentId, String user, String question, String answer) {
        if (!store.autoIndexTurns(orgId, agentId).orElse(false) || answer.isBlank()) {
            return;
        }
        String text = question.strip() + TURN_SEPARATOR + answer.strip();
        remember(orgId, agentId, user, text.length() > props.maxText() ? text.substring(0, props.maxText()) : text, "turn");
    }

    /** Why {@code text} cannot be an entry, or null. */
    String textProblem(String text) {
        if (text == null || text.isBlank()) {
            return "required";
        }
        return text.length() > props.maxText() ? "must be at most " + props.maxText() + " characters (griddle.memory.max-text)" : null;
    }

    MemoryProperties props() {
        return props;
    }
}

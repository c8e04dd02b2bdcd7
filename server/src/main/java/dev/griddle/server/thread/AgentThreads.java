package dev.griddle.server.thread;

import dev.griddle.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Threads as the other ways in (MCP, A2A) use them: ask an agent something in a new or existing
 * thread, the turn followed by a {@link TurnListener} instead of an SSE stream, read a question's answer
 * back by the question's id (from the database, so any node answers), and stop a turn. Access to
 * the agent (organization, project) is the caller's to check first.
 */
@Component
public class AgentThreads {

    /** The longest message a turn takes, as {@code POST /api/v1/threads/{id}/messages}. */
    public static final int MAX_CONTENT = ThreadController.MAX_CONTENT;

    /**
     * A question and its answer so far. {@code answerStatus} is null until the turn has stored the
     * answer's row, then streaming, completed, stopped, failed or interrupted (see {@link ThreadMessage}).
     */
    public record Exchange(UUID threadId, UUID questionId, String question, Instant askedAt, UUID answerId, String answerStatus, String answer) {
    }

    private final ThreadStore threads;
    private final Turns turns;
    private final Clock clock;

    AgentThreads(ThreadStore threads, Turns turns, Clock clock) {
        this.threads = threads;
        this.turns = turns;
        this.clock = clock;
    }

    /** The turn started by {@link #ask}: its thread and the user's message (the question) it answers. */
    public record Asked(UUID threadId, UUID questionId) {
    }

    /** The agent a thread of the organization talks to; empty for an unknown thread or another organization's. */
    public Optional<UUID> agentOf(UUID orgId, UUID threadId) {
        return threads.find(orgId, threadId).map(ChatThread::agentId);
    }

    /**
     * Starts a turn with the agent, in {@code threadId} or, when null, in a new thread titled
     * {@code title} (stored only once the agent's model is known to be usable). The user's message
     * is stored before this returns; the answer is written on its own virtual thread.
     *
     * @throws ApiException 404 unknown thread, 409 a turn is running in it (on any node), 422 the agent has no usable model
     */
    public Asked ask(UUID orgId, UUID agentId, UUID threadId, String title, String content, TurnListener listener) {
        Instant now = clock.instant();
        ChatThread thread = threadId != null ? threads.find(orgId, threadId).orElseThrow(() -> ApiException.notFound("thread", threadId))
                : new ChatThread(UUID.randomUUID(), orgId, agentId, title, null, now, now);
        Turns.Prepared prepared = turns.prepare(thread);
        if (threadId == null) {
            threads.insert(thread);
        }
        return new Asked(thread.id(), turns.start(prepared, content, null, listener));
    }

    /** The question {@code questionId} of the organization and its answer so far. */
    public Optional<Exchange> exchange(UUID orgId, UUID questionId) {
        return threads.questionAnswer(orgId, questionId).map(qa -> {
            ThreadMessage q = qa.question();
            ThreadMessage a = qa.answer();
            return new Exchange(q.threadId(), q.id(), q.content(), q.createdAt(), a == null ? null : a.id(), a == null ? null : a.status(),
                    a == null ? null : a.content());
        });
    }

    /** Stops the thread's turn wherever it runs; whether one was running. */
    public boolean stop(UUID orgId, UUID threadId) {
        return threads.find(orgId, threadId).map(turns::stop).orElse(false);
    }
}

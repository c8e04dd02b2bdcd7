package dev.griddle.server.thread;

import dev.griddle.server.memory.AgentMemory;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.EventStreams;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/threads}: conversations with an agent, answered as Server-Sent Events. */
@RestController
@RequestMapping("/api/v1/threads")
public class ThreadController {

    /** How long a client may stay on one answer's stream; the turn itself is bounded by the model timeout. */
    private static final Duration MAX_STREAM = Duration.ofMinutes(30);
    static final int MAX_CONTENT = 100_000;

    public record ThreadBody(UUID agentId, String title, String user) {
    }

    public record MessageBody(String content) {
    }

    public record ThreadView(UUID id, UUID agentId, String title, String user, Instant createdAt, Instant updatedAt) {
        static ThreadView of(ChatThread t) {
            return new ThreadView(t.id(), t.agentId(), t.title(), t.user(), t.createdAt(), t.updatedAt());
        }
    }

    /** An answer's usage: its model, how many calls the turn made, their tokens and cost. */
    public record UsageView(String model, int modelCalls, long inputTokens, long outputTokens, BigDecimal costUsd) {
        static UsageView of(ThreadMessage.Usage u) {
            return u == null ? null : new UsageView(u.model(), u.modelCalls(), u.inputTokens(), u.outputTokens(), money(u.costUsd()));
        }

        private static BigDecimal money(BigDecimal value) {
            BigDecimal stripped = value.stripTrailingZeros();
            return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
        }
    }

    public record MessageView(UUID id, UUID threadId, long seq, String role, String content, String status, JsonNode toolCalls, UsageView usage,
            Instant createdAt) {
        static MessageView of(ThreadMessage m) {
            return new MessageView(m.id(), m.threadId(), m.seq(), m.role(), m.content(), m.status(), m.toolCalls(), UsageView.of(m.usage()),
                    m.createdAt());
        }
    }

    private final ThreadStore threads;
    private final Turns turns;
    private final Clock clock;
    private final EventStreams streams;

    ThreadController(ThreadStore threads, Turns turns, Clock clock, EventStreams streams) {
        this.streams = streams;
        this.threads = threads;
        this.turns = turns;
        this.clock = clock;
    }

    @Operation(summary = "Start a thread", description = "{agent_id, title?, user?}; 201 with the thread.")
    @PostMapping
    public ResponseEntity<ThreadView> create(Caller caller, @RequestBody ThreadBody body) {
        FieldErrors errors = new FieldErrors().required("agent_id", body.agentId()).maxLength("title", body.title(), 500);
        if (body.user() != null && (body.user().isBlank() || body.user().length() > AgentMemory.MAX_USER)) {
            errors.add("user", "must be 1 to " + AgentMemory.MAX_USER + " characters when given");
        }
        if (body.agentId() != null && threads.agent(caller.orgId(), body.agentId()).filter(a -> caller.sees(a.projectId())).isEmpty()) {
            errors.add("agent_id", "no agent '" + body.agentId() + "' visible to this key");
        }
        errors.throwIfAny();
        Instant now = clock.instant();
        ChatThread thread = new ChatThread(UUID.randomUUID(), caller.orgId(), body.agentId(), body.title(), body.user(), now, now);
        threads.insert(thread);
        return ResponseEntity.created(URI.create("/api/v1/threads/" + thread.id())).body(ThreadView.of(thread));
    }

    @Operation(summary = "List threads", description = "Filtered by agent_id, newest first, paged.")
    @GetMapping
    public PageQuery.Paged<ThreadView> list(Caller caller, PageQuery page, @RequestParam(name = "agent_id", required = false) UUID agentId) {
        return page.result(threads.list(caller.orgId(), agentId, caller.projectIds(), page.perPage(), page.offset()).stream().map(ThreadView::of)
                .toList(), threads.count(caller.orgId(), agentId, caller.projectIds()));
    }

    @Operation(summary = "Get a thread", description = "{id, agent_id, title, user, created_at}.")
    @GetMapping("/{id}")
    public ThreadView get(Caller caller, @PathVariable UUID id) {
        return ThreadView.of(find(caller, id));
    }

    @Operation(summary = "List a thread's messages", description = "User and assistant messages in order, with tool calls and status.")
    @GetMapping("/{id}/messages")
    public PageQuery.Paged<MessageView> messages(Caller caller, @PathVariable UUID id, PageQuery page) {
        ChatThread thread = find(caller, id);
        return page.result(threads.messages(thread.id(), page.perPage(), page.offset()).stream().map(MessageView::of).toList(),
                threads.countMessages(thread.id()));
    }

    @PostMapping(path = "/{id}/messages", produces = {MediaType.TEXT_EVENT_STREAM_VALUE, MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Send a message; the answer streams back", description = "Server-Sent Events: message.delta {text}, tool.call "
            + "{name, arguments}, tool.result {name, result | error}, message.completed {message}, error {code, message}; then the stream ends. "
            + "A turn already running in the thread, on any node, is a 409. A client that disconnects does not stop the turn; the answer is stored.")
    public SseEmitter send(Caller caller, @PathVariable UUID id, @RequestBody MessageBody body) {
        ChatThread thread = find(caller, id);
        new FieldErrors().required("content", body.content()).maxLength("content", body.content(), MAX_CONTENT).throwIfAny();
        Turns.Prepared prepared = turns.prepare(thread);
        SseEmitter emitter = streams.open(caller, MAX_STREAM);
        try {
            turns.start(prepared, body.content(), emitter, TurnListener.NONE);
        } catch (RuntimeException e) {
            streams.abandon(caller, emitter);
            throw e;
        }
        return emitter;
    }

    @PostMapping("/{id}/stop")
    @Operation(summary = "Stop the answer being written", description = "The partial answer is kept with status 'stopped'. {stopped: false} when "
            + "no turn was running. Works on any node: a turn played by another node is stopped through the database (NOTIFY).")
    Map<String, Boolean> stop(Caller caller, @PathVariable UUID id) {
        return Map.of("stopped", turns.stop(find(caller, id)));
    }

    private ChatThread find(Caller caller, UUID id) {
        return threads.find(caller.orgId(), id)
                .filter(t -> threads.agent(caller.orgId(), t.agentId()).map(a -> caller.sees(a.projectId())).orElse(false))
                .orElseThrow(() -> ApiException.notFound("thread", id));
    }
}

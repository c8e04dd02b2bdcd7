package dev.griddle.server.tool.mcp;

import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.secret.SecretBox;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pool of MCP client sessions, one per server, opened on first use and reused by every later
 * call on any thread (the SDK's sync client is thread-safe). A session is dropped and opened again
 * when a call on it fails at the transport level, when the server's row changed
 * ({@code updated_at}), and when the server is deleted. Each session caches its tool list for
 * {@code tools-ttl}; a {@code notifications/tools/list_changed} from the server clears it.
 *
 * <p>A stdio server is a child process of this server ({@link StdioProcess}): its session is
 * reopened, which starts the command again, when the child has exited; closing the session (row
 * changed, deleted, shutdown) stops the child and its own children.
 */
@Component
class McpSessions {

    private static final Logger log = LoggerFactory.getLogger(McpSessions.class);

    private final class Session {
        final McpServerRow server;
        final McpSyncClient client;
        /** The supervised child process of a stdio server; null for HTTP transports. */
        final StdioProcess stdio;
        volatile List<McpSchema.Tool> tools;
        volatile Instant toolsAt;

        Session(McpServerRow server) {
            this.server = server;
            McpClientTransport transport = transport(server);
            this.stdio = transport instanceof StdioProcess p ? p : null;
            this.client = McpClient.sync(transport).requestTimeout(props.requestTimeout()).initializationTimeout(props.requestTimeout())
                    .clientInfo(new McpSchema.Implementation("griddle", "1")).toolsChangeConsumer(changed -> {
                        tools = null;
                    }).build();
            try {
                initialize();
            } catch (RuntimeException e) {
                client.close();
                String refused = stdio == null ? guard.refusalOf(URI.create(server.url()).getHost()) : null;
                throw refused == null ? e : new IllegalStateException(refused, e);
            }
            if (stdio != null) {
                // a request in flight when the child dies fails now rather than at the request timeout, so withSession can reopen
                stdio.exited().thenRun(client::close);
            }
        }

        private void initialize() {
            if (stdio == null) {
                client.initialize();
            } else {
                stdio.initialize(client);
            }
        }

        /** False when the stdio child has exited: the pool then starts a new one. */
        boolean alive() {
            return stdio == null || stdio.alive();
        }
    }

    private final Map<UUID, Session> sessions = new ConcurrentHashMap<>();
    private final OutboundGuard guard;
    private final SecretBox secrets;
    private final McpProperties props;
    private final JsonMapper json;
    private final Clock clock;

    McpSessions(OutboundGuard guard, SecretBox secrets, McpProperties props, JsonMapper json, Clock clock) {
        this.guard = guard;
        this.secrets = secrets;
        this.props = props;
        this.json = json;
        this.clock = clock;
    }

    /** The server's tools, from the cache when fresh. */
    List<McpSchema.Tool> tools(McpServerRow server) {
        return withSession(server, s -> {
            List<McpSchema.Tool> cached = s.tools;
            if (cached != null && s.toolsAt.plus(props.toolsTtl()).isAfter(clock.instant())) {
                return cached;
            }
            List<McpSchema.Tool> all = new ArrayList<>();
            String cursor = null;
            do {
                McpSchema.ListToolsResult page = cursor == null ? s.client.listTools() : s.client.listTools(cursor);
                all.addAll(page.tools());
                cursor = page.nextCursor();
            } while (cursor != null && !cursor.isBlank());
            s.tools = List.copyOf(all);
            s.toolsAt = clock.instant();
            return s.tools;
        });
    }

    McpSchema.CallToolResult call(McpServerRow server, String tool, Map<String, Object> arguments) {
        return withSession(server, s -> s.client.callTool(new McpSchema.CallToolRequest(tool, arguments)));
    }

    /** Opens a throw-away session, lists the tools and closes it: what {@code validate} does, leaving the pool alone. */
    List<McpSchema.Tool> freshTools(McpServerRow server) {
        Session s = new Session(server);
        try {
            return s.client.listTools().tools();
        } finally {
            s.client.closeGracefully();
        }
    }

    void evict(UUID serverId) {
        Session s = sessions.remove(serverId);
        if (s != null) {
            close(s);
        }
    }

    int size() {
        return sessions.size();
    }

    @PreDestroy
    void closeAll() {
        sessions.keySet().forEach(this::evict);
    }

    /** Runs {@code work} on the pooled session; a failure that is not the server's answer gets one retry on a new session. */
    private <T> T withSession(McpServerRow server, Function<Session, T> work) {
        Session s = session(server);
        try {
            return work.apply(s);
        } catch (RuntimeException first) {
            if (first instanceof io.modelcontextprotocol.spec.McpError) {
                throw first;
            }
            log.info("MCP session to {} failed ({}); opening a new one", server.slug(), McpUrls.scrub(first.getMessage(), server.url()));
            sessions.remove(server.id(), s);
            close(s);
            Session again = session(server);
            try {
                return work.apply(again);
            } catch (RuntimeException second) {
                if (!(second instanceof io.modelcontextprotocol.spec.McpError) && again.stdio != null && !again.alive()) {
                    throw new IllegalStateException("the stdio MCP server '" + server.slug() + "' " + again.stdio.exitReport()
                            + " during the call, again after being started once more", second);
                }
                throw second;
            }
        }
    }

    private Session session(McpServerRow server) {
        Session current = sessions.get(server.id());
        if (current != null && current.server.updatedAt().equals(server.updatedAt()) && current.alive()) {
            return current;
        }
        Session opened = sessions.compute(server.id(), (id, existing) -> {
            if (existing != null && existing.server.updatedAt().equals(server.updatedAt()) && existing.alive()) {
                return existing;
            }
            if (existing != null) {
                if (!existing.alive()) {
                    log.info("MCP stdio server '{}' {}; starting it again", server.slug(), existing.stdio.exitReport());
                }
                close(existing);
            }
            return new Session(server);
        });
        return opened;
    }

    private static void close(Session s) {
        try {
            s.client.closeGracefully();
        } catch (RuntimeException e) {
            log.debug("closing an MCP session: {}", e.getMessage());
        }
    }

    /** {@code <stdio-work-dir>/<server id>}, created owner-only: outside the data directory, one per server. */
    private Path workDir(McpServerRow server) {
        Path dir = props.stdioWorkDir().resolve(server.id().toString());
        try {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException notPosix) {
                // the directory keeps the platform's default permissions
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the working directory " + dir + " of stdio MCP server '" + server.slug() + "'", e);
        }
        return dir;
    }

    private McpClientTransport transport(McpServerRow server) {
        if ("stdio".equals(server.transport())) {
            if (!props.stdioEnabled()) {
                throw new IllegalStateException("stdio MCP servers are disabled on this server (griddle.mcp.stdio-enabled)");
            }
            if (!props.stdioAllows(server.command(), server.args())) {
                throw new IllegalStateException("the command line of stdio MCP server '" + server.slug() + "' ('" + server.command()
                        + "' and its arguments) is not pinned in griddle.mcp.stdio-commands");
            }
            String why = StdioProcess.notRunnable(server.command());
            if (why != null) {
                throw new IllegalStateException("cannot start stdio MCP server '" + server.slug() + "': " + why);
            }
            return new StdioProcess(server.slug(), server.command(), server.args(), workDir(server));
        }
        URI url = URI.create(server.url());
        guard.check(url);
        HttpRequest.Builder request = HttpRequest.newBuilder();
        if (server.headersSealed() != null) {
            JsonNode headers = json.readTree(secrets.decrypt(server.headersSealed()));
            headers.properties().forEach(e -> request.header(e.getKey(), e.getValue().asString("")));
        }
        String base = url.getScheme() + "://" + url.getRawAuthority();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        return switch (server.transport()) {
            case "sse" -> HttpClientSseClientTransport.builder(base).sseEndpoint(path).requestBuilder(request).build();
            default -> HttpClientStreamableHttpTransport.builder(base).endpoint(path).requestBuilder(request).build();
        };
    }
}

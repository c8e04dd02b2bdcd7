package dev.griddle.server.interop.mcp;

import dev.griddle.server.web.ReplayableRequest;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code /mcp}: the SDK's stateless transport answers every message with one JSON response, except
 * a {@code tools/call} whose client sent a {@code progressToken} (in {@code _meta}) and accepts
 * {@code text/event-stream}. That call is answered here with an SSE stream on the POST itself: a
 * {@code notifications/progress} each time another of the run's steps finishes, then the call's
 * response, which ends the stream. The streamable-HTTP transport allows a request's own
 * notifications on its response stream, so no session is needed and any node answers. The body was
 * capped by the body-size filter before it gets here.
 */
final class McpServlet extends HttpServlet {

    private final HttpServletStatelessServerTransport sdk;
    private final McpJsonMapper json;
    private volatile GriddleMcpHandler handler;

    McpServlet(HttpServletStatelessServerTransport sdk, McpJsonMapper json) {
        this.sdk = sdk;
        this.json = json;
    }

    void handler(GriddleMcpHandler handler) {
        this.handler = handler;
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        sdk.init(config);
    }

    @Override
    public void destroy() {
        sdk.destroy();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String accept = request.getHeader("Accept");
        if (!"POST".equals(request.getMethod()) || accept == null || !accept.contains(HttpServletStatelessServerTransport.TEXT_EVENT_STREAM)
                || handler == null) {
            sdk.service(request, response);
            return;
        }
        byte[] body = request.getInputStream().readAllBytes();
        Object token = null;
        McpSchema.JSONRPCRequest call = null;
        try {
            if (McpSchema.deserializeJsonRpcMessage(json, new String(body, StandardCharsets.UTF_8)) instanceof McpSchema.JSONRPCRequest r
                    && McpSchema.METHOD_TOOLS_CALL.equals(r.method())) {
                call = r;
                token = progressToken(r);
            }
        } catch (IOException | RuntimeException e) {
            // not ours to judge: the SDK answers a malformed message with its own error
        }
        if (token == null) {
            sdk.service(new ReplayableRequest(request, body), response);
            return;
        }
        stream(request, response, call, token);
    }

    private void stream(HttpServletRequest request, HttpServletResponse response, McpSchema.JSONRPCRequest call, Object token) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(HttpServletStatelessServerTransport.TEXT_EVENT_STREAM);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        PrintWriter out = response.getWriter();
        McpSchema.JSONRPCResponse answer = handler.callTool(McpServerConfig.context(request), call, (done, total, message) -> send(out,
                new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, McpSchema.METHOD_NOTIFICATION_PROGRESS,
                        new McpSchema.ProgressNotification(token, done, total, message, null))));
        send(out, answer);
    }

    /** One SSE event; a client that went away only stops receiving (disconnecting is not cancelling, in MCP). */
    private void send(PrintWriter out, McpSchema.JSONRPCMessage message) {
        String data;
        try {
            data = json.writeValueAsString(message);
        } catch (IOException e) {
            throw new IllegalStateException("An MCP message could not be written as JSON", e);
        }
        synchronized (out) {
            out.write("event: message\ndata: " + data + "\n\n");
            out.flush();
        }
    }

    private static Object progressToken(McpSchema.JSONRPCRequest request) {
        if (request.params() instanceof Map<?, ?> params && params.get("_meta") instanceof Map<?, ?> meta) {
            return meta.get("progressToken");
        }
        return null;
    }
}

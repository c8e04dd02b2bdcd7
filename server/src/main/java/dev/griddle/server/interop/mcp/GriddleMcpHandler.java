package dev.griddle.server.interop.mcp;

import dev.griddle.server.interop.Links;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.Role;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code /mcp} answers. The SDK's stateless server ({@code sdk}) handles the protocol
 * (initialize, ping, resource templates and reads); tools and the resource list depend on the key,
 * so they are answered here from the database on every request: no session, any node answers.
 * Calling a tool starts work and needs a contributor or admin key; a viewer's call is an error
 * result saying so.
 */
final class GriddleMcpHandler implements McpStatelessServerHandler {

    static final String CALLER = "griddle.caller";
    static final String LINKS = "griddle.links";
    /** MCP's cancellation of a request in progress (the SDK has no constant for it). */
    static final String CANCELLED = "notifications/cancelled";

    private final McpStatelessServerHandler sdk;
    private final ToolCatalog catalog;
    private final RunnerCalls runnerCalls;
    private final AgentCalls agentCalls;
    private final McpResources resources;
    private final McpCancellations cancellations;
    private final McpJsonMapper mcpJson;
    private final JsonMapper json;

    GriddleMcpHandler(McpStatelessServerHandler sdk, ToolCatalog catalog, RunnerCalls runnerCalls, AgentCalls agentCalls, McpResources resources,
            McpCancellations cancellations, McpJsonMapper mcpJson, JsonMapper json) {
        this.sdk = sdk;
        this.catalog = catalog;
        this.runnerCalls = runnerCalls;
        this.agentCalls = agentCalls;
        this.resources = resources;
        this.cancellations = cancellations;
        this.mcpJson = mcpJson;
        this.json = json;
    }

    /** The key the auth filter accepted for this request. */
    static Caller caller(McpTransportContext context) {
        if (!(context.get(CALLER) instanceof Caller caller)) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST).message("No API key").build();
        }
        return caller;
    }

    @Override
    public Mono<McpSchema.JSONRPCResponse> handleRequest(McpTransportContext context, McpSchema.JSONRPCRequest request) {
        return switch (request.method()) {
            case McpSchema.METHOD_TOOLS_LIST -> answer(request, () -> new McpSchema.ListToolsResult(
                    catalog.entries(caller(context)).stream().map(ToolCatalog.Entry::tool).toList(), null));
            case McpSchema.METHOD_TOOLS_CALL -> answer(request, () -> call(context, request, Progress.NONE));
            case McpSchema.METHOD_RESOURCES_LIST -> answer(request, () -> resources.recentRuns(context));
            default -> sdk.handleRequest(context, request);
        };
    }

    @Override
    public Mono<Void> handleNotification(McpTransportContext context, McpSchema.JSONRPCNotification notification) {
        if (CANCELLED.equals(notification.method())) {
            return Mono.fromRunnable(() -> {
                if (notification.params() instanceof Map<?, ?> params && params.get("requestId") != null) {
                    cancellations.cancel(caller(context).keyId(), params.get("requestId"));
                }
            });
        }
        return sdk.handleNotification(context, notification);
    }

    /** A {@code tools/call} answered on this thread, reporting to {@code progress} while a runner's run goes on. */
    McpSchema.JSONRPCResponse callTool(McpTransportContext context, McpSchema.JSONRPCRequest request, Progress progress) {
        return answer(request, () -> call(context, request, progress)).block();
    }

    private McpSchema.CallToolResult call(McpTransportContext context, McpSchema.JSONRPCRequest request, Progress progress) {
        Caller caller = caller(context);
        McpSchema.CallToolRequest call = mcpJson.convertValue(request.params(), McpSchema.CallToolRequest.class);
        ToolCatalog.Entry entry = catalog.find(caller, call.name()).orElseThrow(() -> McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                .message("Unknown tool: " + call.name()).build());
        if (caller.role() == Role.VIEWER) {
            return ToolResults.refused(json, "FORBIDDEN", "Role 'viewer' may only list tools and read resources: calling '" + call.name()
                    + "' starts work and needs a contributor or admin key");
        }
        Links links = (Links) context.get(LINKS);
        return switch (entry.kind()) {
            case RUNNER -> runnerCalls.call(caller, links, entry.targetId(), call.arguments(), request.id(), progress);
            case AGENT -> agentCalls.ask(caller, links, entry.targetId(), entry.tool().title(), call.arguments(), request.id());
        };
    }

    /** Runs {@code result} on the request's thread (the servlet's, which blocks on the answer anyway); an McpError becomes the JSON-RPC error. */
    private static Mono<McpSchema.JSONRPCResponse> answer(McpSchema.JSONRPCRequest request, Supplier<Object> result) {
        return Mono.fromSupplier(() -> {
            try {
                return new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), result.get(), null);
            } catch (McpError e) {
                return new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), null, e.getJsonRpcError());
            }
        });
    }
}

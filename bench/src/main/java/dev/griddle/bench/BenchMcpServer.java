package dev.griddle.bench;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * The MCP SDK's own server over streamable HTTP at {@code http://127.0.0.1:<port>/mcp} (embedded
 * Tomcat, random port) with one tool, {@code add {a, b}}. Counts the sessions opened, so a scenario
 * can tell pooled calls from fresh ones.
 */
final class BenchMcpServer implements AutoCloseable {

    private final Tomcat tomcat;
    private final McpSyncServer mcp;
    private final String url;
    private final AtomicLong calls = new AtomicLong();

    private BenchMcpServer() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper()).mcpEndpoint("/mcp").build();
        McpSchema.Tool add = McpSchema.Tool.builder().name("add").description("Adds two numbers").inputSchema(McpJsonDefaults.getMapper(), """
                {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}""").build();
        mcp = McpServer.sync(transport).serverInfo("bench-mcp", "1").capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(McpServerFeatures.SyncToolSpecification.builder().tool(add).callHandler((exchange, request) -> {
                    calls.incrementAndGet();
                    double sum = ((Number) request.arguments().get("a")).doubleValue() + ((Number) request.arguments().get("b")).doubleValue();
                    return McpSchema.CallToolResult.builder().content(List.of(new McpSchema.TextContent("sum=" + (long) sum))).isError(false).build();
                }).build())
                .build();
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("bench-mcp").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "mcp", transport).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "mcp");
        tomcat.start();
        url = "http://127.0.0.1:" + connector.getLocalPort() + "/mcp";
    }

    static BenchMcpServer start() throws Exception {
        return new BenchMcpServer();
    }

    String url() {
        return url;
    }

    long calls() {
        return calls.get();
    }

    @Override
    public void close() throws Exception {
        mcp.closeGracefully();
        tomcat.stop();
        tomcat.destroy();
    }
}

package dev.griddle.server.tool.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * The MCP SDK's own server over streamable HTTP at {@code http://127.0.0.1:<port>/mcp} (or, from
 * {@link #startSse()}, over the older HTTP+SSE transport at {@code http://127.0.0.1:<port>/sse},
 * messages posted to {@code /mcp/message}), in an embedded Tomcat: tools {@code add {a, b}}
 * (answers {@code sum=<a+b>}) and {@code secret}. Records the {@code Authorization} headers it
 * receives.
 */
public final class TestMcpServer implements AutoCloseable {

    private final Tomcat tomcat;
    private final McpSyncServer mcp;
    private final String url;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Set<String> sessionIds = ConcurrentHashMap.newKeySet();

    private TestMcpServer(boolean sse) throws Exception {
        McpSchema.Tool add = McpSchema.Tool.builder().name("add").description("Adds two numbers")
                .inputSchema(McpJsonDefaults.getMapper(), """
                        {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}""")
                .build();
        McpSchema.Tool secret = McpSchema.Tool.builder().name("secret").description("Not for models")
                .inputSchema(McpJsonDefaults.getMapper(), "{\"type\": \"object\"}").build();
        McpServerFeatures.SyncToolSpecification addSpec = McpServerFeatures.SyncToolSpecification.builder().tool(add).callHandler((exchange, request) -> {
            double sum = ((Number) request.arguments().get("a")).doubleValue() + ((Number) request.arguments().get("b")).doubleValue();
            return McpSchema.CallToolResult.builder().content(List.of(new McpSchema.TextContent("sum=" + (long) sum))).isError(false).build();
        }).build();
        McpServerFeatures.SyncToolSpecification secretSpec = McpServerFeatures.SyncToolSpecification.builder().tool(secret)
                .callHandler((exchange, request) -> McpSchema.CallToolResult.builder().content(List.of(new McpSchema.TextContent("classified")))
                        .isError(false).build())
                .build();
        McpServerFeatures.SyncToolSpecification[] tools = {addSpec, secretSpec};
        HttpServlet transport;
        if (sse) {
            HttpServletSseServerTransportProvider provider = HttpServletSseServerTransportProvider.builder().jsonMapper(McpJsonDefaults.getMapper())
                    .sseEndpoint("/sse").messageEndpoint("/mcp/message").build();
            mcp = McpServer.sync(provider).serverInfo("test-mcp-sse", "1").capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                    .tools(tools).build();
            transport = provider;
        } else {
            HttpServletStreamableServerTransportProvider provider = HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(McpJsonDefaults.getMapper()).mcpEndpoint("/mcp").build();
            mcp = McpServer.sync(provider).serverInfo("test-mcp", "1").capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                    .tools(tools).build();
            transport = provider;
        }
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("mcp-tomcat").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Filter recorder = (request, response, chain) -> {
            String session = ((HttpServletRequest) request).getHeader("Mcp-Session-Id");
            if (session != null) {
                sessionIds.add(session);
            }
            String auth = ((HttpServletRequest) request).getHeader("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            chain.doFilter(request, response);
        };
        FilterDef def = new FilterDef();
        def.setFilterName("recorder");
        def.setFilter(recorder);
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("recorder");
        map.addURLPattern("/*");
        context.addFilterMap(map);
        Tomcat.addServlet(context, "mcp", transport).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "mcp");
        tomcat.start();
        url = "http://127.0.0.1:" + connector.getLocalPort() + (sse ? "/sse" : "/mcp");
    }

    /** Streamable HTTP at {@code /mcp}. */
    public static TestMcpServer start() throws Exception {
        return new TestMcpServer(false);
    }

    /** The HTTP+SSE transport: the event stream at {@code /sse}. */
    public static TestMcpServer startSse() throws Exception {
        return new TestMcpServer(true);
    }

    /** Adds a tool answering {@code text}; the SDK sends {@code notifications/tools/list_changed} to connected sessions. */
    public void addTool(String name, String text) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description("Added later")
                .inputSchema(McpJsonDefaults.getMapper(), "{\"type\": \"object\"}").build();
        mcp.addTool(McpServerFeatures.SyncToolSpecification.builder().tool(tool)
                .callHandler((exchange, request) -> McpSchema.CallToolResult.builder().content(List.of(new McpSchema.TextContent(text)))
                        .isError(false).build()).build());
    }

    public String url() {
        return url;
    }

    /** The distinct {@code Mcp-Session-Id}s clients sent (streamable HTTP only): one per session a client opened and used. */
    public Set<String> sessionIds() {
        return Set.copyOf(sessionIds);
    }

    public List<String> authorizations() {
        return authorizations;
    }

    @Override
    public void close() throws Exception {
        mcp.closeGracefully();
        tomcat.stop();
        tomcat.destroy();
    }
}

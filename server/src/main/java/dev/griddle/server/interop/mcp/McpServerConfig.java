package dev.griddle.server.interop.mcp;

import dev.griddle.server.interop.Links;
import dev.griddle.server.web.Caller;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /mcp}: the MCP SDK's stateless streamable-HTTP servlet, behind the same filters as the
 * API (path guard, body limit, key, roles, rate limit). The SDK's stateless server is built on a
 * relay transport so that {@link GriddleMcpHandler} can answer the key-dependent methods and hand
 * the rest to it; {@link McpServlet} in front of it streams progress for the tool calls that ask for it.
 */
@Configuration(proxyBeanMethods = false)
class McpServerConfig {

    static final String PATH = "/mcp";

    /** Receives the SDK server's handler, which {@link GriddleMcpHandler} wraps. */
    static final class HandlerRelay implements McpStatelessServerTransport {
        private final McpStatelessServerTransport servlet;
        private volatile McpStatelessServerHandler handler;

        HandlerRelay(McpStatelessServerTransport servlet) {
            this.servlet = servlet;
        }

        @Override
        public void setMcpHandler(McpStatelessServerHandler handler) {
            this.handler = handler;
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }

        @Override
        public List<String> protocolVersions() {
            return servlet.protocolVersions();
        }
    }

    /** What every {@code /mcp} request carries to the handler: the key the auth filter accepted, and the links to the API. */
    static McpTransportContext context(HttpServletRequest request) {
        Map<String, Object> values = new HashMap<>();
        Caller.of(request).ifPresent(caller -> values.put(GriddleMcpHandler.CALLER, caller));
        values.put(GriddleMcpHandler.LINKS, Links.of(request));
        return McpTransportContext.create(values);
    }

    @Bean
    HttpServletStatelessServerTransport mcpTransport() {
        return HttpServletStatelessServerTransport.builder().jsonMapper(mcpJson()).messageEndpoint(PATH).contextExtractor(McpServerConfig::context)
                .build();
    }

    @Bean
    McpServlet mcpProgressServlet(HttpServletStatelessServerTransport transport) {
        return new McpServlet(transport, mcpJson());
    }

    @Bean
    ServletRegistrationBean<McpServlet> mcpServlet(McpServlet servlet) {
        ServletRegistrationBean<McpServlet> registration = new ServletRegistrationBean<>(servlet, PATH);
        registration.setName("mcp");
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean(destroyMethod = "close")
    McpStatelessSyncServer mcpServer(HttpServletStatelessServerTransport transport, McpServlet servlet, ToolCatalog catalog, RunnerCalls runnerCalls,
            AgentCalls agentCalls, McpResources resources, McpCancellations cancellations, JsonMapper json) {
        HandlerRelay relay = new HandlerRelay(transport);
        McpStatelessSyncServer server = McpServer.sync(relay).serverInfo("griddle", "1")
                .instructions("Griddle's runners and agents as tools: a runner's tool starts a run and returns its output; ask_<agent> asks an agent. "
                        + "Runs are resources griddle://runs/{id}; knowledge documents griddle://knowledge/{id}.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).build())
                .resourceTemplates(resources.templates()).build();
        GriddleMcpHandler handler = new GriddleMcpHandler(relay.handler, catalog, runnerCalls, agentCalls, resources, cancellations, mcpJson(), json);
        transport.setMcpHandler(handler);
        servlet.handler(handler);
        return server;
    }

    private static McpJsonMapper mcpJson() {
        return McpJsonDefaults.getMapper();
    }
}

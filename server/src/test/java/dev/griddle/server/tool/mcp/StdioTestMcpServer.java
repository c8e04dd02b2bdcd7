package dev.griddle.server.tool.mcp;

import ch.qos.logback.classic.Level;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.PrintStream;
import java.util.List;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * A real MCP server over stdio, the SDK's {@code StdioServerTransportProvider}, run by the tests as
 * {@code java -cp <test classpath> dev.griddle.server.tool.mcp.StdioTestMcpServer}. Tools:
 * {@code echo {text}} answers {@code echo:<text>}, {@code pid} its process id, {@code env} the
 * names of its environment variables, {@code crash} exits the process in the middle of the call.
 * {@code --exit-now <code>} makes it exit at once, as a misconfigured server would.
 */
public final class StdioTestMcpServer {

    private StdioTestMcpServer() {
    }

    public static void main(String[] args) {
        // stdout is the protocol: everything else printed or logged goes to stderr
        PrintStream protocol = System.out;
        System.setOut(System.err);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        if (args.length == 2 && args[0].equals("--exit-now")) {
            System.err.println("stdio test server: missing configuration, giving up");
            System.exit(Integer.parseInt(args[1]));
        }
        StdioServerTransportProvider transport = new StdioServerTransportProvider(McpJsonDefaults.getMapper(), System.in, protocol);
        McpServer.sync(transport).serverInfo("stdio-test", "1").capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tool("echo", "{\"type\": \"object\", \"properties\": {\"text\": {\"type\": \"string\"}}, \"required\": [\"text\"]}",
                        a -> "echo:" + a.get("text")),
                        tool("pid", "{\"type\": \"object\"}", a -> Long.toString(ProcessHandle.current().pid())),
                        tool("cwd", "{\"type\": \"object\"}", a -> Path.of("").toAbsolutePath().toString()),
                        tool("env", "{\"type\": \"object\"}", a -> String.join(",", new TreeSet<>(System.getenv().keySet()))),
                        tool("crash", "{\"type\": \"object\"}", a -> {
                            System.err.println("stdio test server: crashing on purpose");
                            Runtime.getRuntime().halt(7);
                            return "unreachable";
                        }))
                .build();
        System.err.println("stdio test server ready, pid " + ProcessHandle.current().pid());
        // never outlive the test JVM, even one that was killed
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().join());
        Runtime.getRuntime().halt(0);
    }

    private static McpServerFeatures.SyncToolSpecification tool(String name, String schema, Function<java.util.Map<String, Object>, String> answer) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description("stdio test tool " + name)
                .inputSchema(McpJsonDefaults.getMapper(), schema).build();
        return McpServerFeatures.SyncToolSpecification.builder().tool(tool)
                .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                        .content(List.of(new McpSchema.TextContent(answer.apply(request.arguments())))).isError(false).build())
                .build();
    }
}

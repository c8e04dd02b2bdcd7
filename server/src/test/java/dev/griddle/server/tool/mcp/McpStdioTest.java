package dev.griddle.server.tool.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.ConnectionModels.McpServer;
import dev.griddle.sdk.ConnectionModels.McpServerInput;
import dev.griddle.sdk.ConnectionModels.McpValidation;
import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * MCP over stdio: Griddle starts {@link StdioTestMcpServer} (the SDK's stdio server) as
 * {@code java -cp <this test's classpath> ...}, with stdio enabled and that java binary the only
 * allowed command (plus a path that does not exist, to see that failure). Registry, validate,
 * tools, calls from {@code tool} steps, supervision (a killed child starts again on the next call;
 * a child that dies in every call fails after one restart) and stopping the child on update,
 * delete and shutdown.
 */
@ExtendWith(OutputCaptureExtension.class)
class McpStdioTest extends ApiTest {

    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    private static final String MISSING = "/nonexistent/griddle-mcp-server";
    private static final Path WORK_DIR = Path.of(System.getProperty("java.io.tmpdir"), "griddle-mcp-test-" + UUID.randomUUID());

    @Autowired
    McpSessions sessions;

    @DynamicPropertySource
    static void stdio(DynamicPropertyRegistry registry) {
        registry.add("griddle.mcp.stdio-enabled", () -> "true");
        // the test server's command line pinned, with any further lower-case flags and numbers
        registry.add("griddle.mcp.stdio-commands", () -> JAVA + " " + String.join(" ", serverArgs()) + " {[-a-z0-9]+}*," + MISSING);
        registry.add("griddle.mcp.stdio-work-dir", () -> WORK_DIR.toString());
        registry.add("griddle.master-key", () -> "mcp-stdio-test-master-key");
        registry.add("griddle.mcp.request-timeout", () -> "20s");
    }

    /** The test server's command line: a quick-starting JVM on this test's classpath. */
    private static String[] serverArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), StdioTestMcpServer.class.getName()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    private static McpServer register(GriddleClient client, String slug, String... extra) {
        return client.mcpServers().create(McpServerInput.stdio("Stdio " + slug, slug, JAVA, serverArgs(extra)));
    }

    private static Run runTool(GriddleClient client, UUID serverId, String slug, String tool, String arguments) {
        Runner runner = client.runners().createYaml("""
                name: r-%s
                steps:
                  - {id: call, type: tool, with: {tool: %s__%s, arguments: %s}}
                """.formatted(UUID.randomUUID(), slug, tool, arguments));
        client.mcpServers().attach(Owner.runner(runner.id()), serverId, null);
        Run started = client.runs().start(runner.id(), StartRun.of(null));
        return client.runs().await(started.id(), Duration.ofSeconds(60));
    }

    private static String text(GriddleClient client, Run run) {
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        return client.runs().context(run.id()).path("steps").path("call").path("text").asString();
    }

    private static long childPid(GriddleClient client, UUID serverId, String slug) {
        long pid = Long.parseLong(text(client, runTool(client, serverId, slug, "pid", "{}")));
        assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid)).as("the child runs under the test JVM").contains(pid);
        return pid;
    }

    private static void awaitGone(long pid) {
        await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void registerValidateListAndCallOverStdio(CapturedOutput output) {
        GriddleClient client = newOrg();
        McpServer server = register(client, "local");
        assertThat(server.transport()).isEqualTo("stdio");
        assertThat(server.command()).isEqualTo(JAVA);

        McpValidation validation = client.mcpServers().validate(server.id());
        assertThat(validation.ok()).as(validation.error()).isTrue();
        assertThat(validation.tools()).extracting(t -> t.name()).contains("echo", "pid", "env", "crash");
        assertThat(client.mcpServers().tools(server.id())).extracting(t -> t.name()).contains("echo");

        assertThat(text(client, runTool(client, server.id(), "local", "echo", "{text: hello}"))).isEqualTo("echo:hello");
        // the child gets the SDK's short list of inherited variables, none of the server's own settings or secrets
        Set<String> env = Set.of(text(client, runTool(client, server.id(), "local", "env", "{}")).split(","));
        assertThat(env).isSubsetOf("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER").contains("PATH");
        // its stderr is in the server log, prefixed with the slug
        assertThat(output.getAll()).contains("[mcp:local] stdio test server ready");
    }

    @Test
    void aKilledChildStartsAgainOnTheNextCallAndOneThatDiesEveryTimeFailsClearly() throws Exception {
        GriddleClient client = newOrg();
        McpServer server = register(client, "sup");
        long first = childPid(client, server.id(), "sup");
        assertThat(childPid(client, server.id(), "sup")).as("the pooled session keeps one child").isEqualTo(first);

        ProcessHandle child = ProcessHandle.of(first).orElseThrow();
        child.destroyForcibly();
        child.onExit().get();
        long second = childPid(client, server.id(), "sup");
        assertThat(second).isNotEqualTo(first);

        Run crash = runTool(client, server.id(), "sup", "crash", "{}");
        assertThat(crash.status()).isEqualTo("failed");
        assertThat(crash.error().path("message").asString()).contains("MCP server 'sup'", "exited with code 7", "crashing on purpose");
        awaitGone(second);
        // and the next call gets a new child again
        assertThat(childPid(client, server.id(), "sup")).isNotEqualTo(second);
    }

    @Test
    void commandsThatAreNotAllowedMissingOrExitAtOnceFailClearly() {
        GriddleClient client = newOrg();
        GriddleApiException notAllowed = expectError(422, "VALIDATION_FAILED",
                () -> client.mcpServers().create(McpServerInput.stdio("Shell", "shell", "sh", "-c", "echo hi")));
        assertThat(notAllowed.getMessage()).contains("griddle.mcp.stdio-commands");

        McpServer missing = client.mcpServers().create(McpServerInput.stdio("Missing", "missing", MISSING));
        McpValidation missingCheck = client.mcpServers().validate(missing.id());
        assertThat(missingCheck.ok()).isFalse();
        assertThat(missingCheck.error()).contains(MISSING, "not an executable file");
        Run missingRun = runTool(client, missing.id(), "missing", "echo", "{text: x}");
        assertThat(missingRun.status()).isEqualTo("failed");
        assertThat(missingRun.error().path("message").asString()).contains("not an executable file");

        McpServer quitter = register(client, "quitter", "--exit-now", "3");
        McpValidation quit = client.mcpServers().validate(quitter.id());
        assertThat(quit.ok()).isFalse();
        assertThat(quit.error()).contains("exited with code 3", "missing configuration, giving up", "before it answered initialize");
        Run quitRun = runTool(client, quitter.id(), "quitter", "echo", "{text: x}");
        assertThat(quitRun.status()).isEqualTo("failed");
        assertThat(quitRun.error().path("message").asString()).contains("exited with code 3");
    }

    /** Arguments are pinned by the operator: a registration that points the pinned command elsewhere is refused. */
    @Test
    void argumentsOutsideThePinnedCommandLineAreRefused() {
        GriddleClient client = newOrg();
        List<String[]> refused = List.of(new String[] {"-version"}, serverArgs("--root", "/"), serverArgs("--exit-now", "3;rm"),
                new String[] {"-cp", "/", StdioTestMcpServer.class.getName()});
        for (String[] args : refused) {
            GriddleApiException e = expectError(422, "VALIDATION_FAILED",
                    () -> client.mcpServers().create(McpServerInput.stdio("Bad", "bad", JAVA, args)));
            assertThat(e.getMessage()).as(String.join(" ", args)).contains("args", "griddle.mcp.stdio-commands");
        }
        expectError(422, "VALIDATION_FAILED", () -> client.mcpServers().create(McpServerInput.stdio("Bad", "bad", MISSING, "--root", "/")));
        McpServer ok = register(client, "pinned");
        GriddleApiException changed = expectError(422, "VALIDATION_FAILED", () -> client.mcpServers().update(ok.id(),
                new McpServerInput(null, null, null, null, null, null, List.of("-version"))));
        assertThat(changed.getMessage()).contains("args");
        assertThat(client.mcpServers().get(ok.id()).args()).containsExactly(serverArgs());
    }

    /** The child starts in its own directory under griddle.mcp.stdio-work-dir, not in the Griddle server's (whose data dir is near). */
    @Test
    void theChildRunsInItsOwnWorkingDirectory() {
        GriddleClient client = newOrg();
        McpServer server = register(client, "cwd");
        String cwd = text(client, runTool(client, server.id(), "cwd", "cwd", "{}"));
        assertThat(Path.of(cwd)).isEqualTo(WORK_DIR.toAbsolutePath().resolve(server.id().toString()));
        assertThat(Path.of(cwd)).isNotEqualTo(Path.of("").toAbsolutePath());
    }

    @Test
    void theChildIsStoppedWhenTheServerIsUpdatedDeletedOrShutDown() {
        GriddleClient client = newOrg();
        McpServer server = register(client, "life");
        long first = childPid(client, server.id(), "life");

        client.mcpServers().update(server.id(), new McpServerInput("Stdio life renamed", null, null, null, null, null, null));
        awaitGone(first);
        long second = childPid(client, server.id(), "life");
        assertThat(second).isNotEqualTo(first);

        client.mcpServers().delete(server.id());
        awaitGone(second);

        McpServer again = register(client, "life2");
        long third = childPid(client, again.id(), "life2");
        sessions.closeAll();
        awaitGone(third);
    }
}

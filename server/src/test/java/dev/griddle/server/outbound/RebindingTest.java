package dev.griddle.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.ConnectionModels.Integration;
import dev.griddle.sdk.ConnectionModels.IntegrationInput;
import dev.griddle.sdk.ConnectionModels.McpServer;
import dev.griddle.sdk.ConnectionModels.McpServerInput;
import dev.griddle.sdk.ConnectionModels.McpValidation;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.server.ApiTest;
import dev.griddle.server.tool.mcp.TestMcpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * DNS rebinding, played by a substituted platform resolver (no DNS server, no traffic beyond
 * loopback): names under {@code .griddle.test} answer the call-site check with a public
 * documentation address (198.51.100.7) and every later lookup, the connection's, with 127.0.0.1.
 * The check passes; the JVM-wide resolver must refuse the connection's answer on every outbound
 * path, so the loopback servers here see nothing. Without that layer each of them would be reached.
 */
@TestPropertySource(properties = "griddle.outbound-allow=")
class RebindingTest extends ApiTest {

    @Autowired
    OutboundGuard guard;

    private GuardedResolverProvider.Installed before;
    private InetAddressResolver platform;
    private final AtomicInteger connectionLookups = new AtomicInteger();

    /** Public to the check (which asks through {@code resolveUnjudged}), loopback to everyone after it. */
    private InetAddressResolver rebinding(InetAddressResolver real) {
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (!host.endsWith(".griddle.test")) {
                    return real.lookupByName(host, policy);
                }
                boolean check = StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getMethodName().equals("resolveUnjudged")));
                if (!check) {
                    connectionLookups.incrementAndGet();
                }
                return Stream.of(InetAddress.getByName(check ? "198.51.100.7" : "127.0.0.1"));
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return real.lookupByAddress(addr);
            }
        };
    }

    @BeforeEach
    void rebind() throws Exception {
        InetAddress.getByName("localhost");
        assumeTrue(GuardedResolverProvider.inUse(), "the JVM did not load the guarded resolver");
        before = GuardedResolverProvider.installed();
        guard.install();
        InetAddressResolver real = GuardedResolverProvider.substitutePlatform(null);
        GuardedResolverProvider.substitutePlatform(rebinding(real));
        platform = real;
    }

    @AfterEach
    void restore() {
        GuardedResolverProvider.substitutePlatform(platform);
        GuardedResolverProvider.restore(before);
    }

    private static String name() {
        return "r" + UUID.randomUUID().toString().substring(0, 8) + ".griddle.test";
    }

    @Test
    void anHttpStepNeverConnectsToTheRebentAddress() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            GriddleClient c = newOrg();
            String url = "http://" + name() + ":" + receiver.getAddress().getPort() + "/x";
            var runner = c.runners().createYaml("name: rebind-" + UUID.randomUUID() + "\nsteps:\n  - {id: call, type: http, with: {method: GET, url: \""
                    + url + "\"}}\n");
            Run run = c.runs().await(c.runs().start(runner.id(), StartRun.of(null)).id(), Duration.ofSeconds(30));
            assertThat(run.status()).isEqualTo("failed");
            assertThat(run.error().path("message").asString()).contains("refused").contains("127.0.0.1").contains("loopback");
            assertThat(connectionLookups).hasPositiveValue();
            assertThat(hits).hasValue(0);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aDatabaseDriverResolvesThroughTheGuardToo() {
        GriddleClient c = newOrg();
        // MariaDB listens on 127.0.0.1:3306 here: were the driver's own lookup not judged, the tables would be listed
        Integration db = c.integrations().create(IntegrationInput.mysql("rebind", "jdbc:mariadb://" + name() + ":3306/test", "root", null));
        var e = expectError(422, "INTEGRATION_UNREACHABLE", () -> c.integrations().tables(db.id()));
        assertThat(e.getMessage()).contains("refused").contains("loopback");
        assertThat(connectionLookups).hasPositiveValue();
    }

    @Test
    void anMcpSessionResolvesThroughTheGuard() throws Exception {
        try (TestMcpServer mcp = TestMcpServer.start()) {
            GriddleClient c = newOrg();
            String url = mcp.url().replace("127.0.0.1", name());
            McpServer server = c.mcpServers().create(McpServerInput.streamableHttp("Rebind", "rebind", url));
            McpValidation v = c.mcpServers().validate(server.id());
            assertThat(v.ok()).isFalse();
            assertThat(v.error()).contains("refused");
            assertThat(mcp.sessionIds()).isEmpty();
            assertThat(connectionLookups).hasPositiveValue();
        }
    }
}

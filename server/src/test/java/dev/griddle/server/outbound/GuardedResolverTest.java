package dev.griddle.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolver.LookupPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The JVM-wide resolver's judgement, over a substituted platform resolver: no lookup leaves the test. */
class GuardedResolverTest {

    private static final LookupPolicy ANY = LookupPolicy.of(LookupPolicy.IPV4 | LookupPolicy.IPV6);

    private final Map<String, List<String>> dns = Map.of("evil.example", List.of("10.0.0.1"), "api.example", List.of("93.184.216.34"),
            "db.internal", List.of("10.0.5.6"), "localhost", List.of("127.0.0.1"), "myhost", List.of("192.168.7.7"),
            "mixed.example", List.of("93.184.216.34", "169.254.169.254"), "cache.internal", List.of("10.9.0.1"),
            "nat64.example", List.of("64:ff9b::a00:1"));

    private final InetAddressResolver platform = new InetAddressResolver() {
        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
            List<String> answers = dns.get(host);
            if (answers == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[answers.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = InetAddress.getByName(answers.get(i));
            }
            return Arrays.stream(out);
        }

        @Override
        public String lookupByAddress(byte[] addr) {
            return "reverse.example";
        }
    };

    private final GuardedResolverProvider.Guarded guarded = new GuardedResolverProvider.Guarded(platform, "MyHost");
    private GuardedResolverProvider.Installed before;

    @BeforeEach
    void save() {
        before = GuardedResolverProvider.installed();
    }

    @AfterEach
    void restore() {
        GuardedResolverProvider.restore(before);
    }

    private List<String> lookup(String host) throws UnknownHostException {
        return guarded.lookupByName(host, ANY).map(InetAddress::getHostAddress).toList();
    }

    @Test
    void aNameResolvingToAPrivateAddressFailsToResolveAndTheReasonIsKept() {
        GuardedResolverProvider.install(new OutboundPolicy(""), Set.of());
        assertThatThrownBy(() -> lookup("evil.example")).isInstanceOf(UnknownHostException.class)
                .hasMessage("refused: evil.example resolves to 10.0.0.1, a private address; list it in GRIDDLE_OUTBOUND_ALLOW to allow it");
        assertThat(GuardedResolverProvider.lastRefusal("EVIL.example")).contains("10.0.0.1");
        assertThatThrownBy(() -> lookup("mixed.example")).hasMessageContaining("cloud metadata");
        assertThatThrownBy(() -> lookup("nat64.example")).hasMessageContaining("10.0.0.1 inside");
    }

    @Test
    void publicAnswersAndLocalNamesPass() throws Exception {
        GuardedResolverProvider.install(new OutboundPolicy(""), Set.of());
        assertThat(lookup("api.example")).containsExactly("93.184.216.34");
        assertThat(lookup("localhost")).containsExactly("127.0.0.1");
        assertThat(lookup("myhost")).as("this machine's own name").containsExactly("192.168.7.7");
        assertThat(guarded.lookupByAddress(new byte[] {10, 0, 0, 1})).isEqualTo("reverse.example");
    }

    @Test
    void theServersOwnHostsAndTheAllowListPass() throws Exception {
        GuardedResolverProvider.install(new OutboundPolicy("10.9.0.0/16, evil.example"), Set.of("DB.internal"));
        assertThat(lookup("db.internal")).containsExactly("10.0.5.6");
        assertThat(lookup("cache.internal")).containsExactly("10.9.0.1");
        assertThat(lookup("evil.example")).containsExactly("10.0.0.1");
        assertThatThrownBy(() -> lookup("mixed.example")).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void beforeAServerInstallsAPolicyEveryAnswerPasses() throws Exception {
        GuardedResolverProvider.restore(null);
        assertThat(lookup("evil.example")).containsExactly("10.0.0.1");
    }

    @Test
    void aStoppingServerRemovesOnlyItsOwnPolicy() {
        OutboundPolicy first = new OutboundPolicy("");
        OutboundPolicy second = new OutboundPolicy("");
        GuardedResolverProvider.install(first, Set.of());
        GuardedResolverProvider.install(second, Set.of());
        GuardedResolverProvider.uninstall(first);
        assertThat(GuardedResolverProvider.installed().policy()).isSameAs(second);
        GuardedResolverProvider.uninstall(second);
        assertThat(GuardedResolverProvider.installed()).isNull();
    }

    @Test
    void theJvmUsesTheGuardedResolver() throws Exception {
        InetAddress.getByName("localhost");
        assertThat(GuardedResolverProvider.inUse()).as("META-INF/services/java.net.spi.InetAddressResolverProvider").isTrue();
    }

    @Test
    void configuredHostsComeFromEveryUrlValuedSettingOfTheServer() {
        assertThat(ConfiguredHosts.hostsIn("jdbc:postgresql://pg-a:5432,PG-B:5433/griddle?ssl=true")).containsExactly("pg-a", "pg-b");
        assertThat(ConfiguredHosts.hostsIn("http://user:pw@ollama.lan:11434/v1")).containsExactly("ollama.lan");
        assertThat(ConfiguredHosts.hostsIn("https://[fd00::5]:4318/v1/traces")).containsExactly("fd00::5");
        assertThat(ConfiguredHosts.hostsIn("not a url")).isEmpty();
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", Map.of("GRIDDLE_LLM_PROVIDERS_OLLAMA_BASE_URL", "http://ollama.lan:11434",
                "griddle.otlp.endpoint", "http://collector.lan:4318", "spring.datasource.url", "jdbc:postgresql://pg.lan/griddle",
                "HTTP_PROXY", "http://proxy.lan:3128", "griddle.other", "text")));
        assertThat(ConfiguredHosts.of(env)).contains("ollama.lan", "collector.lan", "pg.lan").doesNotContain("proxy.lan");
    }
}

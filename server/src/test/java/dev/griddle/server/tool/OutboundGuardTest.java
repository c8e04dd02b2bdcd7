package dev.griddle.server.tool;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The address check itself, on resolved addresses from a substituted resolver: no traffic leaves the test. */
class OutboundGuardTest {

    private static OutboundGuard.Resolver fixed(Map<String, String> answers) {
        return host -> {
            String ip = answers.get(host);
            if (ip == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(ip)};
        };
    }

    private static OutboundGuard guard(String allow, Map<String, String> dns) {
        return new OutboundGuard(allow, fixed(dns));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "172.16.0.9", "172.31.255.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "169.254.1.1",
            "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fc12::5", "fe80::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "224.0.0.1"})
    void privateLoopbackLinkLocalAndMetadataAddressesAreRefused(String ip) throws Exception {
        OutboundGuard g = guard("", Map.of("target", ip));
        assertThatThrownBy(() -> g.check(URI.create("http://target/x"))).isInstanceOf(OutboundGuard.Refused.class)
                .hasMessageContaining(InetAddress.getByName(ip).getHostAddress()).hasMessageContaining("GRIDDLE_OUTBOUND_ALLOW");
    }

    @Test
    void aPublicNameThatResolvesToAPrivateAddressIsRefused() {
        OutboundGuard g = guard("", Map.of("innocent.example.com", "192.168.0.10"));
        assertThatThrownBy(() -> g.check(URI.create("https://innocent.example.com/"))).hasMessageContaining("private");
    }

    @Test
    void publicAddressesPass() {
        OutboundGuard g = guard("", Map.of("api.example.com", "93.184.216.34", "v6.example.com", "2606:2800:220:1::1"));
        assertThatCode(() -> g.check(URI.create("https://api.example.com/v1"))).doesNotThrowAnyException();
        assertThatCode(() -> g.check(URI.create("https://v6.example.com/"))).doesNotThrowAnyException();
    }

    @Test
    void theAllowListTakesHostsAddressesAndRanges() {
        Map<String, String> dns = Map.of("127.0.0.1", "127.0.0.1", "db.internal", "10.0.5.6", "cache.internal", "10.9.0.1", "other", "172.16.0.1");
        OutboundGuard g = guard("127.0.0.1, db.internal, 10.9.0.0/16", dns);
        assertThatCode(() -> g.check(URI.create("http://127.0.0.1:8080/"))).doesNotThrowAnyException();
        assertThatCode(() -> g.check(URI.create("http://db.internal/"))).doesNotThrowAnyException();
        assertThatCode(() -> g.check(URI.create("http://cache.internal/"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> g.check(URI.create("http://other/"))).isInstanceOf(OutboundGuard.Refused.class);
    }

    @Test
    void unresolvableHostsAreRefused() {
        assertThatThrownBy(() -> guard("", Map.of()).check(URI.create("http://nowhere.invalid/"))).hasMessageContaining("cannot resolve");
    }
}

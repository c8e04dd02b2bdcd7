package dev.griddle.server.outbound;

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

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::7f00:1=127.0.0.1 inside", "64:ff9b::a00:1=10.0.0.1 inside", "64:ff9b::a9fe:a9fe=cloud metadata",
            "64:ff9b:1::c0a8:101=192.168.1.1 inside", "64:ff9b:1:ab00::1=local-use NAT64", "2002:7f00:1::1=127.0.0.1 inside",
            "2002:a9fe:a9fe::=cloud metadata", "2002:c0a8:0101:5::9=private", "::7f00:1=loopback", "::a00:1=private",
            "::ffff:a9fe:a9fe=cloud metadata"})
    void ipv6AddressesCarryingAnIpv4AddressAreJudgedByIt(String answer) throws Exception {
        String[] parts = answer.split("=");
        OutboundGuard g = guard("", Map.of("target", parts[0]));
        assertThatThrownBy(() -> g.check(URI.create("http://target/x"))).isInstanceOf(OutboundGuard.Refused.class).hasMessageContaining(parts[1]);
    }

    @Test
    void ipv6AddressesCarryingAPublicIpv4AddressPassAndRangesMatchTheAddressInside() {
        Map<String, String> dns = Map.of("nat64", "64:ff9b::5db8:d822", "sixtofour", "2002:5db8:d822::1", "internal", "64:ff9b::a09:1");
        assertThatCode(() -> guard("", dns).check(URI.create("http://nat64/"))).doesNotThrowAnyException();
        assertThatCode(() -> guard("", dns).check(URI.create("http://sixtofour/"))).doesNotThrowAnyException();
        assertThatCode(() -> guard("10.9.0.0/16", dns).check(URI.create("http://internal/"))).doesNotThrowAnyException();
        assertThatCode(() -> guard("64:ff9b::/96", dns).check(URI.create("http://internal/"))).doesNotThrowAnyException();
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

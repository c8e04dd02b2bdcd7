package dev.griddle.server.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolver.LookupPolicy;
import java.net.spi.InetAddressResolverProvider;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The JVM's name resolver (installed through {@code META-INF/services}): the platform resolver,
 * with every answer judged by the {@link OutboundPolicy} the server installed. A host name that
 * resolves to an address the policy refuses fails to resolve, whoever looks it up: the HTTP
 * client, the MCP transports on every reconnect, JDBC drivers. So the address a connection uses
 * is always one that was vetted, and a DNS answer that changes between the call-site check and
 * the connection (rebinding) cannot reach a private address.
 *
 * <p>Lookups pass unjudged until a policy is installed, for host names the allow list names, for
 * {@code localhost} and this machine's own name, and for the hosts of the server's own
 * configuration ({@link ConfiguredHosts}: its database, the OTLP collector, model providers),
 * which the operator chose. Literal addresses never reach a resolver; the call-site check
 * ({@link OutboundGuard#check}) judges those.
 */
public final class GuardedResolverProvider extends InetAddressResolverProvider {

    /** What the installed policy lets through; {@code exempt} holds lower-case host names. */
    record Installed(OutboundPolicy policy, Set<String> exempt) {
        boolean passes(String host) {
            String h = host.toLowerCase(Locale.ROOT);
            return exempt.contains(h) || policy.allowsHost(h);
        }
    }

    private static volatile Installed installed;
    private static volatile Guarded resolver;

    /**
     * The latest refusals by host (at most {@value #REFUSALS_KEPT}): a client that failed to resolve
     * says only "unresolved", so the caller asks here why ({@link OutboundGuard#refusalOf}).
     */
    private static final Map<String, String> refusals = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REFUSALS_KEPT;
        }
    });
    static final int REFUSALS_KEPT = 256;

    /** Judges every later lookup in this JVM by {@code policy}, except for the {@code exempt} host names. */
    public static void install(OutboundPolicy policy, Set<String> exempt) {
        installed = new Installed(policy, exempt.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()));
    }

    /** Lets lookups pass unjudged again, unless another server in this JVM installed a policy since. */
    static void uninstall(OutboundPolicy policy) {
        Installed now = installed;
        if (now != null && now.policy() == policy) {
            installed = null;
        }
    }

    /**
     * The platform resolver's answer, unjudged and uncached (the call-site check judges it itself,
     * so its message can name the address); the JVM's lookup when this provider is not in use.
     */
    static InetAddress[] resolveUnjudged(String host) throws UnknownHostException {
        Guarded g = resolver;
        if (g == null) {
            return InetAddress.getAllByName(host);
        }
        return g.platform.lookupByName(host, LookupPolicy.of(LookupPolicy.IPV4 | LookupPolicy.IPV6)).toArray(InetAddress[]::new);
    }

    /** Why the JVM-wide resolver last refused this host, or null when it has not (lately). */
    static String lastRefusal(String host) {
        return host == null ? null : refusals.get(host.toLowerCase(Locale.ROOT));
    }

    /** Whether the JVM took this provider as its resolver (false when another provider won, or none was loaded). */
    public static boolean inUse() {
        return resolver != null;
    }

    /**
     * Replaces the platform resolver under the guard and returns the one it replaced (tests use it
     * to play a DNS server whose answers change; no traffic); null when this provider is not in use.
     */
    static InetAddressResolver substitutePlatform(InetAddressResolver platform) {
        Guarded g = resolver;
        if (g == null) {
            return null;
        }
        InetAddressResolver before = g.platform;
        g.platform = platform;
        return before;
    }

    /** What is installed now (tests put it back after installing their own). */
    static Installed installed() {
        return installed;
    }

    static void restore(Installed before) {
        installed = before;
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        Guarded g = new Guarded(configuration.builtinResolver(), configuration.lookupLocalHostName());
        resolver = g;
        return g;
    }

    @Override
    public String name() {
        return "griddle-outbound-guard";
    }

    /** The platform resolver, judged. Package-private so tests can wrap a resolver of their own. */
    static final class Guarded implements InetAddressResolver {
        private volatile InetAddressResolver platform;
        private final String localHost;

        Guarded(InetAddressResolver platform, String localHost) {
            this.platform = platform;
            this.localHost = localHost == null ? "" : localHost.toLowerCase(Locale.ROOT);
        }

        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy lookupPolicy) throws UnknownHostException {
            Stream<InetAddress> answers = platform.lookupByName(host, lookupPolicy);
            Installed now = installed;
            if (now == null || host.equalsIgnoreCase("localhost") || host.equalsIgnoreCase(localHost) || now.passes(host)) {
                return answers;
            }
            List<InetAddress> vetted = answers.toList();
            String refusal = now.policy().refusal(host, vetted);
            if (refusal != null) {
                refusals.put(host.toLowerCase(Locale.ROOT), refusal);
                throw new UnknownHostException(refusal);
            }
            return vetted.stream();
        }

        @Override
        public String lookupByAddress(byte[] addr) throws UnknownHostException {
            return platform.lookupByAddress(addr);
        }
    }
}

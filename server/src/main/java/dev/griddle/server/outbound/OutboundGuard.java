package dev.griddle.server.outbound;

import dev.griddle.server.GriddleProperties;
import jakarta.annotation.PreDestroy;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.stereotype.Component;

/**
 * Refuses outbound calls (http steps, tools, MCP over HTTP, notifications, database integrations)
 * to loopback, private, link-local, carrier-grade NAT, unique-local and cloud metadata addresses,
 * unless {@code GRIDDLE_OUTBOUND_ALLOW} lists the host or a range containing the address
 * ({@link OutboundPolicy}).
 *
 * <p>Two layers. {@link #check} runs where a call is made, on the URL's host (a literal address
 * too) and everything it resolves to, and fails the call with a message naming the address. And
 * the server installs the same policy in the JVM-wide resolver ({@link GuardedResolverProvider}),
 * so the address a connection actually uses, resolved later by the HTTP client or a JDBC driver,
 * on a reconnect or after the DNS answer changed, is judged too: the vetted address is the only
 * kind a connection can get. {@code griddle.outbound-resolver-guard=false} switches the second
 * layer off.
 */
@Component
public class OutboundGuard {

    private static final Logger log = LoggerFactory.getLogger(OutboundGuard.class);

    /** Resolves a host name; replaceable in tests. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Thrown when a destination is refused; the message says which address and how to allow it. */
    public static class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private final OutboundPolicy policy;
    private final Resolver resolver;
    private final boolean installed;
    private Set<String> configured = Set.of();

    @Autowired
    OutboundGuard(GriddleProperties props, ConfigurableEnvironment env) {
        this.policy = new OutboundPolicy(props.outboundAllow());
        this.resolver = GuardedResolverProvider::resolveUnjudged;
        this.installed = props.outboundResolverGuard();
        if (!installed) {
            log.warn("griddle.outbound-resolver-guard is off: only the call-site check guards outbound addresses");
            return;
        }
        this.configured = ConfiguredHosts.of(env);
        install();
        loadJvmResolver();
        if (GuardedResolverProvider.inUse()) {
            log.info("Outbound guard installed in the JVM resolver; hosts of the server's own configuration pass: {}", configured);
        } else {
            log.warn("The JVM did not load the outbound guard's resolver (another resolver provider?): only the call-site check guards"
                    + " outbound addresses");
        }
    }

    /**
     * The JVM picks its resolver at the first name lookup (a literal address is none): make that
     * happen now, from this class loader, so the answer below is known (a server whose database
     * has a literal address may not have looked up any name yet).
     */
    private static void loadJvmResolver() {
        try {
            InetAddress.getByName("localhost");
        } catch (UnknownHostException e) {
            log.warn("Cannot resolve localhost: {}", e.getMessage());
        }
    }

    public OutboundGuard(String allowList, Resolver resolver) {
        this.policy = new OutboundPolicy(allowList);
        this.resolver = resolver;
        this.installed = false;
    }

    /** Puts this server's policy in the JVM-wide resolver (again: tests in one JVM run several servers). */
    void install() {
        GuardedResolverProvider.install(policy, configured);
    }

    @PreDestroy
    void uninstall() {
        if (installed) {
            GuardedResolverProvider.uninstall(policy);
        }
    }

    /**
     * Why a connection to {@code host} failed, when the JVM-wide resolver refused the address it
     * resolved to after {@link #check} had passed (DNS rebinding, a driver's own lookup); null when
     * the failure was something else. Clients report such a lookup only as "unresolved".
     */
    public String refusalOf(String host) {
        if (host == null) {
            return null;
        }
        return GuardedResolverProvider.lastRefusal(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
    }

    /** Checks a URL's host; returns quietly when the call may go out. */
    public void check(URI url) {
        String host = url.getHost();
        if (host == null) {
            throw new Refused("refused: '" + url + "' has no host");
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (policy.allowsHost(bare)) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new Refused("refused: cannot resolve host '" + bare + "'");
        }
        String refusal = policy.refusal(bare, Arrays.asList(addresses));
        if (refusal != null) {
            throw new Refused(refusal);
        }
    }
}

package dev.griddle.server.tool;

import dev.griddle.server.GriddleProperties;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Refuses outbound calls (http steps, tools, MCP over HTTP) to loopback, private, link-local,
 * carrier-grade NAT, unique-local and cloud metadata addresses, unless {@code GRIDDLE_OUTBOUND_ALLOW}
 * lists the host or a CIDR containing the address.
 *
 * <p>The check runs on the <em>resolved</em> addresses, through the JVM's DNS cache, which the HTTP
 * client then uses for the connection. The cache keeps answers for {@value #DNS_TTL_SECONDS} s, so
 * a rebinding DNS server cannot give the check one address and the connection another.
 */
@Component
public class OutboundGuard {

    static final int DNS_TTL_SECONDS = 30;

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

    private final List<String> allowedHosts = new ArrayList<>();
    private final List<Cidr> allowedRanges = new ArrayList<>();
    private final Resolver resolver;

    @Autowired
    OutboundGuard(GriddleProperties props) {
        this(props.outboundAllow(), InetAddress::getAllByName);
        Security.setProperty("networkaddress.cache.ttl", Integer.toString(DNS_TTL_SECONDS));
    }

    public OutboundGuard(String allowList, Resolver resolver) {
        this.resolver = resolver;
        for (String entry : allowList == null ? new String[0] : allowList.split(",")) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            Cidr cidr = Cidr.parse(e);
            if (cidr != null) {
                allowedRanges.add(cidr);
            } else {
                allowedHosts.add(e);
            }
        }
    }

    /** Checks a URL's host; returns quietly when the call may go out. */
    public void check(URI url) {
        String host = url.getHost();
        if (host == null) {
            throw new Refused("refused: '" + url + "' has no host");
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (allowedHosts.contains(bare.toLowerCase(Locale.ROOT))) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new Refused("refused: cannot resolve host '" + bare + "'");
        }
        for (InetAddress address : addresses) {
            String why = forbidden(address);
            if (why != null && allowedRanges.stream().noneMatch(r -> r.contains(address))) {
                throw new Refused("refused: " + bare + " resolves to " + address.getHostAddress() + ", a " + why
                        + " address; list it in GRIDDLE_OUTBOUND_ALLOW to allow it");
            }
        }
    }

    /** Why an address may not be called by default, or null when it is a public address. */
    static String forbidden(InetAddress address) {
        InetAddress a = unmapped(address);
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isAnyLocalAddress()) {
            return "wildcard";
        }
        if (a.isLinkLocalAddress()) {
            return a.getHostAddress().equals("169.254.169.254") ? "cloud metadata" : "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 100 && second >= 64 && second < 128) {
                return "carrier-grade NAT";
            }
            if (first == 0) {
                return "unspecified";
            }
            if (first >= 240) {
                return "reserved";
            }
        } else if (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
            return "unique-local";
        }
        return null;
    }

    /** {@code ::ffff:10.0.0.1} is 10.0.0.1: judge the IPv4 address inside. */
    private static InetAddress unmapped(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16) {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException impossible) {
                    return address;
                }
            }
        }
        return address;
    }

    /** An address range such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare IP is a /32 or /128. */
    record Cidr(byte[] network, int prefix) {
        static Cidr parse(String text) {
            String[] parts = text.split("/", 2);
            if (!parts[0].matches("[0-9.]+") && !parts[0].contains(":")) {
                return null;
            }
            try {
                byte[] net = InetAddress.getByName(parts[0]).getAddress();
                int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : net.length * 8;
                if (prefix < 0 || prefix > net.length * 8) {
                    throw new IllegalArgumentException("GRIDDLE_OUTBOUND_ALLOW: bad prefix in '" + text + "'");
                }
                return new Cidr(net, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("GRIDDLE_OUTBOUND_ALLOW: cannot parse '" + text + "'", e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] a = unmapped(address).getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }
}

package dev.griddle.server.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which destinations an outbound call may reach: every public address, and the hosts and ranges of
 * {@code GRIDDLE_OUTBOUND_ALLOW}; never, by default, loopback, private, link-local, carrier-grade
 * NAT, unique-local, multicast or cloud metadata addresses, however they are spelled (an IPv6
 * address carrying an IPv4 address is judged by the IPv4 address). One policy is shared by the
 * call-site check ({@link OutboundGuard}) and the JVM-wide resolver ({@link GuardedResolverProvider}).
 */
public final class OutboundPolicy {

    private final List<String> allowedHosts = new ArrayList<>();
    private final List<Cidr> allowedRanges = new ArrayList<>();

    /** @param allowList {@code GRIDDLE_OUTBOUND_ALLOW}: comma-separated host names, addresses and CIDR ranges */
    public OutboundPolicy(String allowList) {
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

    /** Whether the allow list names this host (without brackets), which then may resolve to anything. */
    public boolean allowsHost(String host) {
        return allowedHosts.contains(host.toLowerCase(Locale.ROOT));
    }

    /**
     * Why {@code host} may not be reached at {@code address}, or null when it may: the message names
     * the address, what kind it is and the setting that allows it.
     */
    public String refusal(String host, InetAddress address) {
        String why = forbidden(address);
        if (why == null || allowedRanges.stream().anyMatch(r -> r.contains(address))) {
            return null;
        }
        return "refused: " + host + " resolves to " + address.getHostAddress() + ", a " + why
                + " address; list it in GRIDDLE_OUTBOUND_ALLOW to allow it";
    }

    /** The first refusal among a host's addresses, or null when every one may be reached. */
    public String refusal(String host, Iterable<InetAddress> addresses) {
        for (InetAddress address : addresses) {
            String why = refusal(host, address);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /**
     * Why an address may not be called by default, or null when it is a public address. An IPv6
     * address that carries an IPv4 address ({@link #embedded}) is judged by that IPv4 address.
     */
    static String forbidden(InetAddress address) {
        if (address instanceof Inet6Address && isLocalUseNat64(address.getAddress()) && embedded(address) == address) {
            return "local-use NAT64";
        }
        InetAddress a = embedded(address);
        String why = forbiddenAsIs(a);
        return why == null || a == address ? why : why + " (" + a.getHostAddress() + " inside)";
    }

    private static String forbiddenAsIs(InetAddress a) {
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

    /**
     * The IPv4 address an IPv6 address stands for, or the address itself when it carries none:
     * IPv4-mapped {@code ::ffff:a.b.c.d} and IPv4-compatible {@code ::a.b.c.d} (not {@code ::} or
     * {@code ::1}), NAT64 {@code 64:ff9b::a.b.c.d} (RFC 6052) and {@code 64:ff9b:1::a.b.c.d} in
     * its /96 layout (RFC 8215), and 6to4 {@code 2002:aabb:ccdd::/48} (RFC 3056).
     */
    static InetAddress embedded(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 16) {
            return address;
        }
        boolean mapped = zero(b, 0, 10) && (b[10] & b[11] & 0xff) == 0xff;
        boolean compatible = zero(b, 0, 12) && !(zero(b, 12, 15) && (b[15] & 0xfe) == 0);
        boolean nat64 = isNat64(b) && (b[5] & 0xfe) == 0 && zero(b, 6, 12);
        if (mapped || compatible || nat64) {
            return ipv4(address, b[12], b[13], b[14], b[15]);
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return ipv4(address, b[2], b[3], b[4], b[5]);
        }
        return address;
    }

    /** In {@code 64:ff9b::/40}, which holds both NAT64 prefixes. */
    private static boolean isNat64(byte[] b) {
        return b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0;
    }

    /** In {@code 64:ff9b:1::/48}, whose operator picks where the IPv4 address goes. */
    private static boolean isLocalUseNat64(byte[] b) {
        return b.length == 16 && isNat64(b) && b[5] == 1;
    }

    /** Whether bytes {@code from} (inclusive) to {@code to} (exclusive) are all zero. */
    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv4(InetAddress fallback, byte... b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException impossible) {
            return fallback;
        }
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

        /** Whether the address, or the IPv4 address it carries ({@link #embedded}), is in the range. */
        boolean contains(InetAddress address) {
            return contains(address.getAddress()) || contains(embedded(address).getAddress());
        }

        private boolean contains(byte[] a) {
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

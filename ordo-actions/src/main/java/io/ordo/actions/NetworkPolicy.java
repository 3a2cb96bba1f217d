package io.ordo.actions;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which network addresses the {@code http}, {@code crawl} and {@code agent} actions (and the host of a
 * {@code git} URL, checked once before cloning) may connect to: a deny-list of
 * address ranges, with an allow-list that overrides it. Every address a host name resolves to is
 * checked (one denied address refuses the host), at the moment of connecting (see {@link SafeFetch}),
 * and again for every redirect.
 *
 * <p>{@link #defaults()} denies link-local ranges and cloud metadata endpoints. {@link #strict()}
 * also denies loopback, private, carrier-grade NAT, unique-local and other special ranges: use it
 * (plus {@link #allow} for internal services you mean to reach) on a server that runs
 * definitions written by others. IPv4 addresses embedded in IPv6 ones (mapped, compatible,
 * NAT64 {@code 64:ff9b::/96}) are checked as the IPv4 address too.
 *
 * <pre>{@code
 * new HttpAction(NetworkPolicy.strict().allow("10.1.2.0/24"))
 * }</pre>
 */
public final class NetworkPolicy {
    /** Link-local ranges and the cloud metadata endpoints (AWS, GCP, Azure, OpenStack; AWS IPv6; Alibaba). */
    public static final List<String> DEFAULT_DENY = List.of(
            "169.254.0.0/16", "fe80::/10", "169.254.169.254/32", "fd00:ec2::254/128", "100.100.100.200/32");

    /** What {@link #strict()} adds: this-host, loopback, private, CGNAT, benchmarking, multicast, reserved, unique-local. */
    public static final List<String> STRICT_DENY = List.of(
            "0.0.0.0/8", "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
            "192.0.0.0/24", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "fc00::/7", "ff00::/8");

    private final List<Cidr> deny;
    private final List<Cidr> allow;

    private NetworkPolicy(List<Cidr> deny, List<Cidr> allow) {
        this.deny = List.copyOf(deny);
        this.allow = List.copyOf(allow);
    }

    /** Denies link-local and cloud metadata addresses ({@link #DEFAULT_DENY}); loopback and private ranges are allowed. */
    public static NetworkPolicy defaults() {
        return new NetworkPolicy(parse(DEFAULT_DENY), List.of());
    }

    /** {@link #defaults()} plus loopback, private and other special ranges ({@link #STRICT_DENY}). */
    public static NetworkPolicy strict() {
        List<String> all = new ArrayList<>(DEFAULT_DENY);
        all.addAll(STRICT_DENY);
        return new NetworkPolicy(parse(all), List.of());
    }

    /** Denies nothing. For tests only. */
    public static NetworkPolicy unrestricted() {
        return new NetworkPolicy(List.of(), List.of());
    }

    /** A copy that also denies these ranges ({@code 10.0.0.0/8}, {@code fd00::/8}, or a single address). */
    public NetworkPolicy deny(String... cidrs) {
        List<Cidr> d = new ArrayList<>(deny);
        d.addAll(parse(List.of(cidrs)));
        return new NetworkPolicy(d, allow);
    }

    /** A copy that allows these ranges even where a denied range covers them. */
    public NetworkPolicy allow(String... cidrs) {
        List<Cidr> a = new ArrayList<>(allow);
        a.addAll(parse(List.of(cidrs)));
        return new NetworkPolicy(deny, a);
    }

    /** Why {@code address} is refused, or null when it may be connected to. */
    public String violation(InetAddress address) {
        for (InetAddress a : views(address)) {
            if (matches(allow, a) != null) return null;
        }
        for (InetAddress a : views(address)) {
            Cidr d = matches(deny, a);
            if (d != null) return address.getHostAddress() + " is in denied range " + d;
        }
        return null;
    }

    /**
     * Checks every address {@code host} resolved to.
     *
     * @throws DeniedAddressException naming the host, the address and the range when one is denied
     */
    public void check(String host, InetAddress[] addresses) throws DeniedAddressException {
        for (InetAddress a : addresses) {
            String why = violation(a);
            if (why != null) {
                throw new DeniedAddressException(host.equals(a.getHostAddress()) ? "address " + why + " (network policy)"
                        : "host " + host + " resolves to " + why + " (network policy)");
            }
        }
    }

    /** Resolves {@code host} and checks every address; returns them. */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all = InetAddress.getAllByName(h);
        check(h, all);
        return all;
    }

    @Override
    public String toString() {
        return "NetworkPolicy{deny=" + deny + ", allow=" + allow + "}";
    }

    private static Cidr matches(List<Cidr> ranges, InetAddress a) {
        for (Cidr c : ranges) if (c.contains(a)) return c;
        return null;
    }

    /** The address, plus the IPv4 address an IPv6 one embeds (mapped, compatible or NAT64). */
    private static List<InetAddress> views(InetAddress a) {
        if (!(a instanceof Inet6Address)) return List.of(a);
        byte[] b = a.getAddress();
        boolean zero80 = true;
        for (int i = 0; i < 10; i++) zero80 &= b[i] == 0;
        boolean mapped = zero80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zero80 && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) nat64 = b[i] == 0;
        if (!mapped && !compatible && !nat64) return List.of(a);
        try {
            return List.of(a, InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
            return List.of(a);
        }
    }

    private static List<Cidr> parse(List<String> cidrs) {
        return cidrs.stream().map(Cidr::parse).toList();
    }

    /** An address range: a literal address and a prefix length. */
    record Cidr(byte[] network, int prefix, String text) {
        static Cidr parse(String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            int slash = t.indexOf('/');
            String addr = slash < 0 ? t : t.substring(0, slash);
            if (addr.isEmpty() || !(addr.contains(":") || addr.matches("[0-9.]+"))) {
                throw new IllegalArgumentException("not an IP range: '" + s + "' (use e.g. 10.0.0.0/8 or fd00::/8)");
            }
            byte[] net;
            try {
                net = InetAddress.getByName(addr).getAddress(); // a literal: no lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP range: '" + s + "'");
            }
            int bits = net.length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? bits : Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in '" + s + "'");
            }
            if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("prefix length of '" + s + "' must be 0-" + bits);
            return new Cidr(net, prefix, t);
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) return false;
            int full = prefix / 8;
            for (int i = 0; i < full; i++) if (b[i] != network[i]) return false;
            int rest = prefix % 8;
            if (rest == 0) return true;
            int mask = (0xff << (8 - rest)) & 0xff;
            return (b[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cidr c && c.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }

    /** A connection refused by the policy, before any packet was sent to the address. */
    public static final class DeniedAddressException extends UnknownHostException {
        public DeniedAddressException(String message) {
            super(message);
        }
    }
}

package dev.versionobserver.push;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.smallrye.common.net.CidrAddress;
import io.smallrye.common.net.Inet;

/**
 * Who a WebSocket handshake really comes from, and which host its page was loaded from, when a proxy sits between:
 * only a peer inside {@code observer.push.trusted-proxies} is believed, and then only for what it can vouch for.
 *
 * <p>The client is the rightmost {@code X-Forwarded-For} entry that is not itself a trusted proxy (the first hop
 * from outside), as Tomcat's RemoteIpValve and most Go "real IP" middleware do: a proxy that appends to what the
 * client sent (AWS ALB, nginx' {@code $proxy_add_x_forwarded_for}) leaves the client's own claims on the left, so the
 * leftmost entry is the one a client chooses. The host is the first {@code X-Forwarded-Host} value.
 *
 * <p>Hand-written instead of Quarkus' {@code quarkus.http.proxy.*}, which this service leaves off, for two measured
 * reasons (Quarkus 3.33): its parser takes the leftmost {@code X-Forwarded-For} entry (the client's choice behind an
 * appending proxy, so the per-address cap could be sidestepped), and a first entry that is empty
 * ({@code X-Forwarded-For: ,}) throws inside the router, so the request is never answered and the proxy reports a
 * gateway timeout (same root cause as keycloak/keycloak#28669; QuarkusForwardingDefectTest pins it, and fails once an
 * upgrade fixes it). Address parsing and CIDR matching are SmallRye's ({@link Inet}, {@link CidrAddress}); nothing
 * is resolved through DNS.
 */
@Singleton
public class ProxyTrust {

    /** X-Forwarded-For entries looked at, right to left, at most; a longer chain is a claim, not a path. */
    private static final int MAX_HOPS = 16;

    /** The value that trusts no proxy (an empty value would mean the default). */
    static final String NONE = "none";

    private final List<CidrAddress> trusted;

    @Inject
    public ProxyTrust(PushConfig config) {
        this(config.trustedProxies());
    }

    ProxyTrust(List<String> trustedProxies) {
        this.trusted = parse(trustedProxies);
    }

    /** Parses CIDRs (a bare address is a /32 or /128); a bad entry stops start-up naming the setting and the entry. */
    static List<CidrAddress> parse(List<String> entries) {
        List<CidrAddress> parsed = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty() || entry.equalsIgnoreCase(NONE)) {
                continue;
            }
            CidrAddress cidr;
            try {
                cidr = entry.contains("/") ? Inet.parseCidrAddress(entry) : single(entry);
            } catch (IllegalArgumentException e) {
                cidr = null;
            }
            if (cidr == null) {
                throw new IllegalArgumentException("observer.push.trusted-proxies: '" + entry
                        + "' is not an IP address or CIDR range (e.g. 10.0.0.0/8, 192.168.1.7, fd00::/8) or 'none'");
            }
            parsed.add(cidr);
        }
        return List.copyOf(parsed);
    }

    private static CidrAddress single(String entry) {
        InetAddress address = Inet.parseInetAddress(entry);
        return address == null ? null : CidrAddress.create(address, address.getAddress().length * 8);
    }

    /** Whether this TCP peer's forwarded headers are believed. */
    public boolean trusts(String peer) {
        return peer != null && trusts(Inet.parseInetAddress(peer));
    }

    private boolean trusts(InetAddress address) {
        return address != null && trusted.stream().anyMatch(cidr -> cidr.matches(address));
    }

    /**
     * The client's address: the TCP peer itself unless it is a trusted proxy that says whom it forwards for. An
     * entry that is not an IP address ends the walk at the hop that wrote it (that hop is then the client).
     */
    public String client(String peer, String forwardedFor) {
        if (forwardedFor == null || !trusts(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",", -1);
        String client = peer;
        for (int i = hops.length - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
            InetAddress hop = address(hops[i]);
            if (hop == null) {
                return client;
            }
            client = hop.getHostAddress();
            if (!trusts(hop)) {
                return client;
            }
        }
        return client;
    }

    /** The host the page was loaded from: a trusted proxy's first X-Forwarded-Host value, else the Host header. */
    public String host(String peer, String hostHeader, String forwardedHost) {
        if (forwardedHost == null || !trusts(peer)) {
            return hostHeader;
        }
        String first = forwardedHost.split(",", 2)[0].strip();
        return first.isEmpty() ? hostHeader : first;
    }

    /** An X-Forwarded-For entry as an address: "1.2.3.4", "1.2.3.4:80", "::1", "[::1]", "[::1]:80"; else null. */
    private static InetAddress address(String entry) {
        String text = entry.strip();
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            text = end < 0 ? "" : text.substring(1, end);
        } else if (text.indexOf(':') > 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            text = text.substring(0, text.indexOf(':')); // IPv4 with a port; IPv6 has several colons
        }
        InetAddress parsed = text.isEmpty() ? null : Inet.parseInetAddress(text);
        try {
            // Without the scope id SmallRye's parser adds ("%0"): the same client is one key however it is written.
            return parsed == null ? null : InetAddress.getByAddress(parsed.getAddress());
        } catch (UnknownHostException e) {
            return null; // not reached: the bytes come from a parsed address
        }
    }
}

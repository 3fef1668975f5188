package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which address and host a handshake is taken to come from, for every shape of X-Forwarded-* a peer may send. */
class ProxyTrustTest {

    private static final ProxyTrust TRUST = new ProxyTrust(
            List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8", "127.0.0.0/8"));

    @ParameterizedTest(name = "peer {0}, X-Forwarded-For [{1}] -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // untrusted peers: the header changes nothing
            "203.0.113.5 | 198.51.100.1 | 203.0.113.5",
            "203.0.113.5 | NULL | 203.0.113.5",
            // a trusted proxy: the first hop from outside, read right to left
            "10.1.2.3 | 198.51.100.1 | 198.51.100.1",
            "10.1.2.3 | 198.51.100.1, 10.9.9.9 | 198.51.100.1",
            "10.1.2.3 | 1.1.1.1, 198.51.100.1 | 198.51.100.1",
            "192.168.1.7 | 198.51.100.1:4321 | 198.51.100.1",
            "192.168.1.7 | [2001:db8::1]:443 | 2001:db8:0:0:0:0:0:1",
            "192.168.1.7 | 2001:db8::1 | 2001:db8:0:0:0:0:0:1",
            "127.0.0.1 | 10.0.0.5, 10.0.0.6 | 10.0.0.5",
            "10.1.2.3 | NULL | 10.1.2.3",
            // garbage ends the walk at the hop that wrote it
            "10.1.2.3 | , | 10.1.2.3",
            "10.1.2.3 | '' | 10.1.2.3",
            "10.1.2.3 | not-an-address | 10.1.2.3",
            "10.1.2.3 | localhost | 10.1.2.3",
            "10.1.2.3 | garbage, 198.51.100.1 | 198.51.100.1",
            "10.1.2.3 | 198.51.100.1, garbage | 10.1.2.3",
            "10.1.2.3 | [::1 | 10.1.2.3",
            "192.168.1.8 | 198.51.100.1 | 192.168.1.8",
    })
    void theClientIsTheFirstHopFromOutside(String peer, String forwardedFor, String client) {
        assertThat(TRUST.client(peer, forwardedFor)).isEqualTo(client);
    }

    @ParameterizedTest(name = "peer {0}, Host {1}, X-Forwarded-Host [{2}] -> {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "10.1.2.3 | svc:8080 | app.example.com | app.example.com",
            "10.1.2.3 | svc:8080 | app.example.com, other | app.example.com",
            "10.1.2.3 | svc:8080 | '' | svc:8080",
            "10.1.2.3 | svc:8080 | NULL | svc:8080",
            "203.0.113.5 | svc:8080 | evil.example | svc:8080",
    })
    void theHostIsForwardedOnlyByATrustedProxy(String peer, String host, String forwardedHost, String expected) {
        assertThat(TRUST.host(peer, host, forwardedHost)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "example.com", "10.0.0.0/x", "1.2.3"})
    void aBadTrustedProxyEntryNamesTheSetting(String entry) {
        assertThatThrownBy(() -> ProxyTrust.parse(List.of(entry)))
                .hasMessageContaining("observer.push.trusted-proxies").hasMessageContaining(entry);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "::1"})
    void noneTrustsNobody(String peer) {
        ProxyTrust none = new ProxyTrust(List.of("none"));
        assertThat(none.trusts(peer)).isFalse();
        assertThat(none.client(peer, "198.51.100.1")).isEqualTo(peer);
    }
}

package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * The client address and host behind a proxy: what a trusted proxy forwards counts, what anyone else forwards is
 * ignored. The service listens on 127.0.0.1; the trusted proxy is 127.0.0.9, every other loopback address is a
 * stranger (clients bind their source address, as a proxy's or a browser's connection would arrive).
 */
@QuarkusTest
@TestProfile(ForwardedClientTest.TrustedProxy.class)
class ForwardedClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PROXY = "127.0.0.9";
    private static final String STRANGER = "127.0.1.5";

    public static class TrustedProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("observer.push.trusted-proxies", PROXY + "/32",
                    "observer.push.max-connections-per-address", "3");
        }
    }

    @TestHTTPResource("/version/ws?v=1.0.0")
    URI socket;

    @Inject
    SocketAdmission admission;

    private final Vertx vertx = Vertx.vertx();
    private final List<WebSocket> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (WebSocket ws : opened) {
            ws.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> admission.open() == 0);
    }

    /** What a handshake ended with: the greeting's type, a close code after opening, or the HTTP refusal. */
    private record Outcome(String firstMessage, Short closeCode, Integer refusedStatus) {
    }

    private Outcome open(String from, Map<String, String> headers) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(from));
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(socket.getHost())
                .setPort(socket.getPort()).setURI(socket.getRawPath() + "?" + socket.getRawQuery());
        headers.forEach(options::addHeader);
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        client.connect(options).onFailure(e -> {
            if (e instanceof UpgradeRejectedException rejected) {
                outcome.complete(new Outcome(null, null, rejected.getStatus()));
            } else {
                outcome.completeExceptionally(e);
            }
        }).onSuccess(ws -> {
            opened.add(ws);
            ws.closeHandler(v -> outcome.complete(new Outcome(null, ws.closeStatusCode(), null)));
            ws.textMessageHandler(text -> outcome.complete(new Outcome(
                    text.contains("\"hello\"") ? "hello" : text, null, null)));
        });
        return outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static Map<String, String> forwardedFor(String client) {
        return Map.of("X-Forwarded-For", client, "X-Real-IP", client);
    }

    @Test
    void theCapCountsTheAddressATrustedProxyReportsNotTheProxy() throws Exception {
        for (String client : List.of("203.0.113.1", "203.0.113.2")) {
            for (int i = 0; i < 3; i++) {
                assertThat(open(PROXY, forwardedFor(client)).firstMessage()).as(client + " #" + i).isEqualTo("hello");
            }
        }
        // Six sockets through one proxy address, three per client: the fourth of one client is over its cap.
        assertThat(open(PROXY, forwardedFor("203.0.113.1")).closeCode()).isEqualTo((short) 1013);
    }

    @Test
    void behindAnAppendingProxyTheClientsOwnClaimsOnTheLeftChangeNothing() throws Exception {
        // AWS ALB and nginx' $proxy_add_x_forwarded_for append the peer they saw to what the client sent.
        for (int i = 0; i < 3; i++) {
            assertThat(open(PROXY, forwardedFor("198.51.100." + i + ", 203.0.113.9")).firstMessage())
                    .isEqualTo("hello");
        }
        assertThat(open(PROXY, forwardedFor("198.51.100.99, 203.0.113.9")).closeCode()).isEqualTo((short) 1013);
    }

    @Test
    void aForgedForwardedForFromAStrangerChangesNothing() throws Exception {
        // Protects SocketAdmission's use of the forwarded address only behind trusted proxies (Quarkus' check).
        for (int i = 0; i < 3; i++) {
            assertThat(open(STRANGER, forwardedFor("198.51.100." + i)).firstMessage()).isEqualTo("hello");
        }
        assertThat(open(STRANGER, forwardedFor("198.51.100.99")).closeCode()).isEqualTo((short) 1013);
    }

    @Test
    void aPageBehindATlsTerminatingProxyThatRewritesTheHostIsAdmitted() throws Exception {
        Map<String, String> viaProxy = Map.of("Host", "version-observer.default.svc:8080",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "app.example.com", "X-Forwarded-Port", "443",
                "X-Forwarded-For", "203.0.113.7");
        assertThat(open(PROXY, with(viaProxy, "Origin", "https://app.example.com")).firstMessage())
                .isEqualTo("hello");
        // The proxy keeps the Host instead: admitted just the same.
        assertThat(open(PROXY, Map.of("Host", "app.example.com", "X-Forwarded-Proto", "https",
                "Origin", "https://app.example.com")).firstMessage()).isEqualTo("hello");
        assertThat(open(PROXY, with(viaProxy, "Origin", "https://evil.example")).refusedStatus()).isEqualTo(403);
    }

    @Test
    void aStrangersForwardedHostDoesNotMakeAForeignOriginSameSite() throws Exception {
        assertThat(open(STRANGER, Map.of("X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https",
                "Origin", "https://evil.example")).refusedStatus()).isEqualTo(403);
        assertThat(open(STRANGER, Map.of("Host", "version-observer.default.svc:8080",
                "X-Forwarded-Host", "app.example.com", "Origin", "https://app.example.com")).refusedStatus())
                .isEqualTo(403);
    }

    @Test
    void malformedForwardedHeadersNeverGiveAServerError() throws Exception {
        List<Map<String, String>> garbage = List.of(
                Map.of("X-Forwarded-For", ""), Map.of("X-Forwarded-For", "not an address"),
                Map.of("X-Forwarded-For", "[::1"), Map.of("X-Forwarded-For", "1.2.3.4:port"),
                Map.of("X-Forwarded-For", ",,,"), Map.of("X-Forwarded-For", "x".repeat(8000)),
                Map.of("X-Forwarded-Port", "abc"), Map.of("X-Forwarded-Port", "99999999999"),
                Map.of("X-Forwarded-Proto", "gopher"), Map.of("X-Forwarded-Proto", ""),
                Map.of("X-Forwarded-Host", ""), Map.of("X-Forwarded-Host", ":::"),
                Map.of("X-Forwarded-Host", "a b:c"), Map.of("X-Forwarded-Host", "[::1]:x"),
                Map.of("X-Forwarded-Prefix", "../../etc"), Map.of("X-Forwarded-Ssl", "maybe"),
                Map.of("Forwarded", "for=;;proto=\"\""), Map.of("Forwarded", "for=\"[::1\";host=,"));
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(PROXY));
        for (Map<String, String> headers : garbage) {
            RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(socket.getHost())
                    .setPort(socket.getPort()).setURI("/version");
            headers.forEach(request::addHeader);
            int status = http.request(request).compose(r -> r.send()).map(r -> r.statusCode())
                    .toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status).as("GET /version with " + headers.keySet()).isLessThan(500);
            Outcome socketOutcome = open(PROXY, headers);
            assertThat(socketOutcome.refusedStatus() == null || socketOutcome.refusedStatus() < 500)
                    .as("handshake with " + headers.keySet() + ": " + socketOutcome).isTrue();
        }
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return all;
    }
}

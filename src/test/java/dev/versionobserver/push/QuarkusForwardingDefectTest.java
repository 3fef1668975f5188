package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Why {@link ProxyTrust} exists instead of Quarkus' {@code quarkus.http.proxy.proxy-address-forwarding}: with it on
 * and the peer trusted, a request whose {@code X-Forwarded-For} starts with an empty entry throws inside Quarkus'
 * forwarded-header parser before any route runs, and is never answered. This test pins that behaviour of the
 * Quarkus version in the BOM; when an upgrade fixes it, it fails, and ProxyTrust can be replaced by Quarkus' own
 * support (mind its leftmost-entry rule, see ProxyTrust's javadoc).
 */
@QuarkusTest
@TestProfile(QuarkusForwardingDefectTest.QuarkusForwardingOn.class)
class QuarkusForwardingDefectTest {

    public static class QuarkusForwardingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.proxy-address-forwarding", "true",
                    "quarkus.http.proxy.allow-x-forwarded", "true",
                    "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
        }
    }

    @TestHTTPResource("/version")
    URI version;

    @Test
    void anEmptyFirstForwardedForEntryLeavesTheRequestUnanswered() throws Exception {
        ConcurrentLinkedQueue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getThrown() != null) {
                    uncaught.add(record.getThrown());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // A well-formed forwarded request is answered: forwarding is really on and the peer trusted.
            assertThat(http.send(HttpRequest.newBuilder(version).header("X-Forwarded-For", "203.0.113.7").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(version)
                    .header("X-Forwarded-For", ",").build(), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(30)).until(() -> uncaught.stream()
                    .anyMatch(t -> t instanceof IllegalArgumentException
                            && String.valueOf(t.getMessage()).contains("host name must not be empty")));
            // The exception ended the handling before any route: nothing will ever answer this request.
            assertThat(answer).isNotDone();
            answer.cancel(true);
        } finally {
            root.removeHandler(capture);
        }
    }
}

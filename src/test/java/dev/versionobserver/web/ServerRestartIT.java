package dev.versionobserver.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.versionobserver.support.Browser;
import dev.versionobserver.support.ServiceProcess;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;

/**
 * Real processes: a graceful stop closes sockets with a 1001 close frame, and the page reconnects to the
 * replacement. The close is observed with Vert.x's client, which reports no status when the connection ends without
 * a close frame (Jakarta clients report 1001 either way, so they cannot tell).
 */
class ServerRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void pageReconnectsAfterRestartAndPromptsForTheNewVersionOnce() throws Exception {
        int port = ServiceProcess.freePort();
        ServiceProcess v1 = ServiceProcess.start("127.0.0.1", port, ServiceProcess.env("APP_VERSION", "1.0.0"));
        ServiceProcess v2 = null;
        Vertx vertx = Vertx.vertx();
        try (Browser browser = new Browser()) {
            v1.awaitReady(WAIT);
            browser.driver().get(v1.baseUrl() + "/");
            await().atMost(WAIT).until(() -> "connected".equals(browser.status()));
            ClientWebSocket observer = vertx.createWebSocketClient().webSocket();
            CompletableFuture<String> hello = new CompletableFuture<>();
            CompletableFuture<Optional<Short>> closeFrame = new CompletableFuture<>();
            observer.textMessageHandler(hello::complete);
            observer.closeHandler(v -> closeFrame.complete(Optional.ofNullable(observer.closeStatusCode())));
            observer.connect(port, "127.0.0.1", "/version/ws?v=1.0.0").toCompletionStage().toCompletableFuture()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(hello.get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains("\"hello\"");

            assertThat(v1.terminate(WAIT)).as("JVM exit code after SIGTERM").isEqualTo(143);
            assertThat(v1.output()).contains("version-observer stopped in");
            assertThat(closeFrame.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("close frame's status code")
                    .contains((short) 1001);
            await().atMost(WAIT).until(() -> !"connected".equals(browser.status()));

            v2 = ServiceProcess.start("127.0.0.1", port, ServiceProcess.env("APP_VERSION", "2.0.0")).awaitReady(WAIT);
            await().atMost(WAIT).until(() -> browser.banners() == 1);
            assertThat(browser.status()).isEqualTo("connected");
            assertThat((Long) browser.js("return window.versionObserver.state.connects")).isGreaterThan(1L);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            v1.close();
            if (v2 != null) {
                v2.close();
            }
        }
    }
}

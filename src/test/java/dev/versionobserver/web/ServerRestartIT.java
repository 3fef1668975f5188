package dev.versionobserver.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.versionobserver.support.Browser;
import dev.versionobserver.support.ServiceProcess;
import dev.versionobserver.support.WsClient;

/** Real processes: a graceful stop closes sockets with 1001, and the page reconnects to the replacement. */
class ServerRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void pageReconnectsAfterRestartAndPromptsForTheNewVersionOnce() throws Exception {
        int port = ServiceProcess.freePort();
        ServiceProcess v1 = ServiceProcess.start("127.0.0.1", port, ServiceProcess.env("APP_VERSION", "1.0.0"));
        ServiceProcess v2 = null;
        try (Browser browser = new Browser()) {
            v1.awaitReady(WAIT);
            browser.driver().get(v1.baseUrl() + "/");
            await().atMost(WAIT).until(() -> "connected".equals(browser.status()));
            WsClient observer = WsClient.connect(v1.socketUri("1.0.0"));
            observer.next(WAIT);

            assertThat(v1.terminate(WAIT)).as("JVM exit code after SIGTERM").isEqualTo(143);
            assertThat(v1.output()).contains("version-observer stopped in");
            assertThat(observer.awaitClose(WAIT).getCloseCode().getCode()).isEqualTo(1001);
            await().atMost(WAIT).until(() -> !"connected".equals(browser.status()));

            v2 = ServiceProcess.start("127.0.0.1", port, ServiceProcess.env("APP_VERSION", "2.0.0")).awaitReady(WAIT);
            await().atMost(WAIT).until(() -> browser.banners() == 1);
            assertThat(browser.status()).isEqualTo("connected");
            assertThat((Long) browser.js("return window.versionObserver.state.connects")).isGreaterThan(1L);
        } finally {
            v1.close();
            if (v2 != null) {
                v2.close();
            }
        }
    }
}

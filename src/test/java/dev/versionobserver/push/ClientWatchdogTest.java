package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.versionobserver.publication.PublishedVersion;
import dev.versionobserver.support.Browser;
import dev.versionobserver.version.AppVersion;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * client.js in Chromium gives up on a socket that stays silent and reconnects, so a page is told even when its
 * socket went quiet without closing: the server's WebSocket pings are invisible to a page, so this is its only way
 * to notice. Short timers (set before the module loads) keep the test fast; the defaults are 10 s and 30 s.
 */
@QuarkusTest
class ClientWatchdogTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TestHTTPResource("/")
    URL page;

    @Inject
    PublishedVersion published;

    @Inject
    SessionRegistry registry;

    @Inject
    GreetsLateSocket greetsLate;

    private Browser browser;

    @BeforeEach
    void openBrowser() throws Exception {
        browser = new Browser();
    }

    @AfterEach
    void closeBrowser() throws Exception {
        browser.close();
        published.observe(AppVersion.parse("1.0.0"));
        await().atMost(WAIT).until(() -> registry.size() == 0);
    }

    private void withOptions(String options) {
        browser.onEveryDocument("window.versionObserverOptions = " + options + ";");
    }

    private long state(String field) {
        return ((Number) browser.js("return window.versionObserver.state." + field)).longValue();
    }

    @Test
    void aSocketWhosePingsGoUnansweredIsReplacedAndItsPageIsStillTold() {
        withOptions("{ heartbeatIntervalMs: 300, heartbeatTimeoutMs: 500 }");
        browser.driver().get(page.toString());
        await().atMost(WAIT).until(() -> "connected".equals(browser.status()) && registry.size() == 1);
        // A page that pings and is answered keeps its socket: three answered heartbeats span more than one
        // heartbeat timeout (500 ms), so a watchdog that wrongly fired would have fired by now.
        await().atMost(WAIT).until(() -> state("pongs") >= 3);
        assertThat(state("abandoned")).isZero();
        assertThat(state("connects")).isEqualTo(1);

        // The server loses track of the socket but keeps it open: no push reaches it, no ping is answered.
        registry.remove(registry.ids().iterator().next());
        published.observe(AppVersion.parse("2.0.0"));

        await().atMost(WAIT).until(() -> browser.banners() == 1);
        assertThat(state("abandoned")).isEqualTo(1);
        assertThat(state("connects")).isEqualTo(2);
        assertThat(state("promptCount")).isEqualTo(1);
    }

    @Test
    void aSocketThatIsNeverGreetedIsClosedAndReplaced() {
        withOptions("{ socketPath: '/test/greets-late', helloTimeoutMs: 500 }");
        browser.driver().get(page.toString());

        await().atMost(WAIT).until(() -> browser.banners() == 1);
        assertThat(state("abandoned")).isEqualTo(1);
        assertThat(greetsLate.opened()).isEqualTo(2);
        await().atMost(WAIT).until(() -> !greetsLate.closes().isEmpty());
        assertThat(greetsLate.closes().get(0).getCloseCode().getCode()).isEqualTo(4000);
        assertThat(greetsLate.closes().get(0).getReasonPhrase()).isEqualTo("no hello");
    }
}

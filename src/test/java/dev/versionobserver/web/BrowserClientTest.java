package dev.versionobserver.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WindowType;

import dev.versionobserver.publication.PublishedVersion;
import dev.versionobserver.push.SessionRegistry;
import dev.versionobserver.support.Browser;
import dev.versionobserver.version.AppVersion;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The browser client in a real headless Chromium against the running service (standalone, v1.0.0). */
@QuarkusTest
class BrowserClientTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TestHTTPResource("/")
    URL page;

    @Inject
    PublishedVersion published;

    @Inject
    SessionRegistry sessions;

    private Browser browser;

    @BeforeEach
    void openBrowser() throws Exception {
        browser = new Browser();
    }

    @AfterEach
    void closeBrowser() throws Exception {
        browser.close();
        published.observe(AppVersion.parse("1.0.0"));
    }

    private void openPageAndAwaitConnection() {
        browser.driver().get(page.toString());
        await().atMost(WAIT).until(() -> "connected".equals(browser.status()));
    }

    private String lastMessageType() {
        return (String) browser.js("return window.versionObserver.state.lastMessage && "
                + "window.versionObserver.state.lastMessage.type");
    }

    @Test
    void showsOneAccessibleBannerWhenAnIncompatibleVersionIsPublished() {
        openPageAndAwaitConnection();
        assertThat(browser.banners()).isZero();

        published.observe(AppVersion.parse("2.0.0"));

        await().atMost(WAIT).until(() -> browser.banners() == 1);
        SearchContext banner = browser.driver().findElement(By.tagName("version-observer-banner")).getShadowRoot();
        assertThat(banner.findElement(By.cssSelector("[role=status]")).getText())
                .contains("A new version (2.0.0) is available.");
        assertThat(banner.findElement(By.cssSelector("button.reload")).getText()).isEqualTo("Reload");
        assertThat(banner.findElement(By.cssSelector("button.dismiss")).getAttribute("aria-label"))
                .isEqualTo("Dismiss");
    }

    @Test
    void bannerIsNotShownAgainAfterReconnectOrReload() {
        openPageAndAwaitConnection();
        published.observe(AppVersion.parse("2.0.0"));
        await().atMost(WAIT).until(() -> browser.banners() == 1);

        // A fresh load of the old page: the hello says stale, but this version was already prompted.
        browser.driver().navigate().refresh();
        await().atMost(WAIT).until(() -> "connected".equals(browser.status()));
        await().atMost(WAIT).until(() -> "hello".equals(lastMessageType()));
        assertThat((Boolean) browser.js("return window.versionObserver.state.lastMessage.stale")).isTrue();
        // The stale hello goes through the asynchronous Web Locks claim; it has decided once the version is in
        // state.prompted (added whether the claim won or found the earlier prompt). Only then is "no banner" an
        // answer, and it must stay so.
        await().atMost(WAIT).until(() -> (Boolean) browser.js(
                "return window.versionObserver.state.prompted.has('2.0.0')"));
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> browser.banners() == 0
                && ((Number) browser.js("return window.versionObserver.state.promptCount")).intValue() == 0);
    }

    @Test
    void dismissRemovesTheBanner() {
        openPageAndAwaitConnection();
        published.observe(AppVersion.parse("2.0.0"));
        await().atMost(WAIT).until(() -> browser.banners() == 1);
        browser.driver().findElement(By.tagName("version-observer-banner")).getShadowRoot()
                .findElement(By.cssSelector("button.dismiss")).click();
        await().atMost(WAIT).until(() -> browser.banners() == 0);
    }

    @Test
    void compatibleVersionShowsNoBanner() {
        openPageAndAwaitConnection();
        published.observe(AppVersion.parse("1.1.0"));
        await().atMost(WAIT).until(() -> "new_version".equals(lastMessageType()));
        assertThat((Boolean) browser.js("return window.versionObserver.state.lastMessage.stale")).isFalse();
        assertThat(browser.banners()).isZero();
    }

    @Test
    void twoTabsOfTheSamePageShowOnePromptBetweenThem() {
        openPageAndAwaitConnection();
        String first = browser.driver().getWindowHandle();
        browser.driver().switchTo().newWindow(WindowType.TAB);
        openPageAndAwaitConnection();
        String second = browser.driver().getWindowHandle();
        await().atMost(WAIT).until(() -> sessions.size() == 2);

        published.observe(AppVersion.parse("2.0.0"));

        for (String tab : new String[] { first, second }) {
            browser.driver().switchTo().window(tab);
            await().atMost(WAIT).until(() -> "new_version".equals(lastMessageType()));
        }
        long total = 0;
        for (String tab : new String[] { first, second }) {
            browser.driver().switchTo().window(tab);
            total += browser.banners();
        }
        assertThat(total).isEqualTo(1);
    }

    @Test
    void anAppCanTakeOverThePromptByCancellingTheEvent() {
        openPageAndAwaitConnection();
        browser.js("window.seen = []; window.addEventListener('version-observer:new-version', e => {"
                + " window.seen.push(e.detail.version); e.preventDefault(); });");
        published.observe(AppVersion.parse("2.0.0"));
        await().atMost(WAIT).until(() -> "2.0.0".equals(browser.js("return window.seen[0] || null")));
        assertThat(browser.banners()).isZero();
    }

    @Test
    void autoReloadReloadsAtMostOncePerVersion() {
        // Options set before the module runs, on every document of this tab, as an app would in its page.
        browser.onEveryDocument("window.versionObserverOptions = { autoReload: true };"
                + "sessionStorage.loads = String(Number(sessionStorage.loads || 0) + 1);");
        openPageAndAwaitConnection();
        assertThat(browser.js("return sessionStorage.loads")).isEqualTo("1");

        published.observe(AppVersion.parse("2.0.0"));

        await().atMost(WAIT).until(() -> "2".equals(browser.js("return sessionStorage.loads")));
        // The reloaded page is still 1.0.0 (this server did not change): its stale hello must not reload again.
        await().atMost(WAIT).until(() -> "connected".equals(browser.status()) && "hello".equals(lastMessageType()));
        assertThat((Boolean) browser.js("return window.versionObserver.state.lastMessage.stale")).isTrue();
        // The claim for 2.0.0 has been decided (it lands in `prompted` either way); a won claim would count.
        await().atMost(WAIT).until(() -> (Boolean) browser.js("return window.versionObserver.state.prompted.has('2.0.0')"));
        assertThat(((Number) browser.js("return window.versionObserver.state.promptCount")).intValue()).isZero();
        assertThat(browser.js("return sessionStorage.loads")).isEqualTo("2");
        assertThat(browser.banners()).isZero();
    }

    @Test
    void backoffIsFullJitterCappedExponential() {
        openPageAndAwaitConnection();
        Object result = browser.js("return import('/version-observer/client.js').then(m => [" 
                + "m.backoffDelay(0, 500, 30000, () => 0.999), m.backoffDelay(3, 500, 30000, () => 0.5),"
                + "m.backoffDelay(20, 500, 30000, () => 0.999), m.backoffDelay(5, 500, 30000, () => 0)])");
        assertThat(result.toString()).isEqualTo("[499, 2000, 29970, 0]");
    }
}

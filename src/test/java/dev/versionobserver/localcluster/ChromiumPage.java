package dev.versionobserver.localcluster;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import dev.versionobserver.support.Browser;

/** A real page in its own headless Chromium (own profile, so prompts are counted per browser). */
final class ChromiumPage implements DemoPage {

    private final Browser browser;
    private final String url;
    private int promptsBeforeReload;

    ChromiumPage(String url) throws Exception {
        this.browser = new Browser();
        this.url = url;
        browser.driver().get(url);
        await().atMost(Duration.ofSeconds(30)).until(this::connected);
    }

    static boolean available() {
        return Browser.available();
    }

    Browser browser() {
        return browser;
    }

    @Override
    public String version() {
        return (String) browser.js("return window.appVersion");
    }

    @Override
    public boolean connected() {
        return "connected".equals(browser.status());
    }

    @Override
    public int prompts() {
        Object count = browser.js("return window.versionObserver ? window.versionObserver.state.promptCount : 0");
        return promptsBeforeReload + ((Number) count).intValue();
    }

    @Override
    public void reload() {
        promptsBeforeReload = prompts();
        browser.driver().get(url);
        await().atMost(Duration.ofSeconds(30)).until(this::connected);
    }

    @Override
    public String kind() {
        return "headless Chromium";
    }

    @Override
    public void close() throws Exception {
        browser.close();
    }
}

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

    /**
     * The product's promise for one page, in one place: {@code page} (open at {@code url}) is told exactly once,
     * with one banner, once the cluster has rolled out to {@code version} and published it; a page opened afterwards
     * runs {@code version} and is not told at all.
     */
    static void assertPromptedOnceAfterRollout(LocalCluster cluster, ChromiumPage page, String url, String version,
            Duration within) throws Exception {
        cluster.rollout(version);
        await().atMost(within).until(cluster::rolledOut);
        await().atMost(within).until(() -> cluster.published().equals(java.util.Optional.of(version)));
        await().atMost(within).until(() -> page.prompts() == 1);
        org.assertj.core.api.Assertions.assertThat(page.browser().banners()).isEqualTo(1);
        try (ChromiumPage fresh = new ChromiumPage(url)) {
            org.assertj.core.api.Assertions.assertThat(fresh.version()).isEqualTo(version);
            org.assertj.core.api.Assertions.assertThat(fresh.prompts()).isZero();
        }
        org.assertj.core.api.Assertions.assertThat(page.prompts()).as("still exactly one").isEqualTo(1);
    }
}

package dev.versionobserver.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WindowType;

import dev.versionobserver.support.Browser;

/** Real pages in headless Chromium, loaded through the Service of a local cluster of real processes. */
class BrowserE2EIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private LocalCluster cluster;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startCluster() throws Exception {
        cluster = new LocalCluster(LocalCluster.Options.defaults().withEnv(LocalClusterMain.DEMO_ENV),
                line -> System.out.println("[cluster] " + line));
        cluster.deployAndAwaitPublished("1.0.0", 3, WAIT);
    }

    @AfterEach
    void stopCluster() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        cluster.close();
    }

    private ChromiumPage page() throws Exception {
        ChromiumPage page = new ChromiumPage(cluster.serviceUrl() + "/");
        closeables.add(page);
        return page;
    }

    private void awaitPublished(String version) {
        await().atMost(WAIT).until(cluster::rolledOut);
        await().atMost(WAIT).until(() -> cluster.published().equals(Optional.of(version)));
    }

    private static String helloPod(ChromiumPage page) {
        return (String) page.browser().js("var m = window.versionObserver.state.lastMessage;"
                + " return m && m.type === 'hello' ? m.pod : null");
    }

    @Test
    void oldPagesArePromptedOnceAfterConvergenceAndNotWhileMixedNewPagesNever() throws Exception {
        ChromiumPage first = page();
        ChromiumPage second = page();
        // Old pods held: the cluster stays mixed, however slowly this test runs, until it has looked.
        cluster.holdScaleDown(true);
        cluster.rollout("2.0.0");
        await().atMost(WAIT).until(() -> cluster.pods().stream()
                .anyMatch(p -> p.version().equals("2.0.0") && p.ready()));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                first.prompts() + second.prompts() == 0 && cluster.published().equals(Optional.of("1.0.0")));
        cluster.holdScaleDown(false);

        awaitPublished("2.0.0");
        await().atMost(WAIT).until(() -> first.prompts() == 1 && second.prompts() == 1);
        assertThat(first.browser().banners()).isEqualTo(1);

        ChromiumPage fresh = page();
        assertThat(fresh.version()).isEqualTo("2.0.0");
        await().atMost(WAIT).until(() -> helloPod(fresh) != null);
        assertThat((Boolean) fresh.browser().js("return window.versionObserver.state.lastMessage.stale")).isFalse();
        assertThat(fresh.prompts()).isZero();
        assertThat(first.prompts()).as("still exactly one").isEqualTo(1);
    }

    @Test
    void aPageWhosePodIsKilledReconnectsToAnotherPodAndStillGetsThePrompt() throws Exception {
        ChromiumPage page = page();
        await().atMost(WAIT).until(() -> helloPod(page) != null);
        String servedBy = helloPod(page);

        cluster.deletePod(servedBy);
        await().atMost(WAIT).until(() -> cluster.pod(servedBy).isEmpty());
        await().atMost(WAIT).until(() -> page.connected() && helloPod(page) != null
                && !servedBy.equals(helloPod(page)));

        cluster.rollout("2.0.0");
        awaitPublished("2.0.0");
        await().atMost(WAIT).until(() -> page.prompts() == 1);
        assertThat(page.browser().banners()).isEqualTo(1);
    }

    @Test
    void twoTabsOfThePageShowOnePromptBetweenThem() throws Exception {
        Browser browser = new Browser();
        closeables.add(browser);
        browser.driver().get(cluster.serviceUrl() + "/");
        await().atMost(WAIT).until(() -> "connected".equals(browser.status()));
        String firstTab = browser.driver().getWindowHandle();
        browser.driver().switchTo().newWindow(WindowType.TAB);
        browser.driver().get(cluster.serviceUrl() + "/");
        await().atMost(WAIT).until(() -> "connected".equals(browser.status()));
        String secondTab = browser.driver().getWindowHandle();

        cluster.rollout("2.0.0");
        awaitPublished("2.0.0");
        for (String tab : List.of(firstTab, secondTab)) {
            browser.driver().switchTo().window(tab);
            await().atMost(WAIT).until(() -> "2.0.0".equals(browser.js("return window.versionObserver.state.published")));
        }
        long banners = 0;
        for (String tab : List.of(firstTab, secondTab)) {
            browser.driver().switchTo().window(tab);
            banners += browser.banners();
        }
        assertThat(banners).isEqualTo(1);
    }
}

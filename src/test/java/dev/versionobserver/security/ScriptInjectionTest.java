package dev.versionobserver.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.versionobserver.support.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A pod name built to break out of the inline script (names are not validated by us) stays inert. */
@QuarkusTest
@TestProfile(ScriptInjectionTest.NastyPodName.class)
class ScriptInjectionTest {

    static final String NASTY = "</script><script>window.pwned=1</script>\u2028\"'<!--&amp;";

    public static class NastyPodName implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("observer.pod.name", NASTY);
        }
    }

    @TestHTTPResource("/")
    URL page;

    @TestHTTPResource("/status")
    URL status;

    @Test
    void nothingInjectedIntoThePageOrTheStatusPage() throws Exception {
        try (Browser browser = new Browser()) {
            browser.driver().get(page.toString());
            await().atMost(Duration.ofSeconds(15)).until(() -> "connected".equals(browser.status()));
            assertThat(browser.js("return window.pwned === undefined")).isEqualTo(true);
            assertThat(browser.js("return window.appPod")).isEqualTo(NASTY);
            assertThat(browser.js("return window.appVersion")).isEqualTo("1.0.0");
            assertThat(browser.js("return document.getElementById('pod').textContent")).isEqualTo(NASTY);

            browser.driver().get(status.toString());
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> String.valueOf(browser.js("return document.getElementById('live').textContent"))
                            .contains("on"));
            assertThat(browser.js("return window.pwned === undefined")).isEqualTo(true);
            assertThat(String.valueOf(browser.js("return document.getElementById('servedBy').textContent")))
                    .contains(NASTY);
        }
    }
}

package dev.versionobserver.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * README "Beside any web server: the sidecar", proven: pods made of Debian's nginx serving a static single-page
 * app ({@code src/test/resources/sidecar-site}) plus the observer process on its own port, named {@code observer}
 * in the Endpoints, behind a real nginx Ingress that routes {@code /version} and {@code /version-observer/} to the
 * observer, as the chart's sidecar mode does. The leader can only publish by polling the observers through that
 * named port (the app port answers {@code /version} with the SPA's index page), so a publication proves it.
 */
class SidecarIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void pagesOfAStaticAppServedByNginxArePromptedOnceAfterARolloutOfTheAppsVersion() throws Exception {
        Path site = Path.of(SidecarIT.class.getResource("/sidecar-site/index.html").toURI()).getParent();
        try (LocalCluster cluster = new LocalCluster(LocalCluster.Options.defaults().withSidecar(site)
                .withIngress(List.of(NginxIngress.Listener.ingressNginxDefaults()))
                .withEnv(LocalClusterMain.DEMO_ENV), line -> System.out.println("[sidecar] " + line))) {
            cluster.deployAndAwaitPublished("1.0.0", 2, WAIT);
            String ingress = cluster.ingress().url(0);
            // HTTP/1.1: the JDK client's h2c upgrade offer would be passed on as a WebSocket-style Upgrade.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create(ingress + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(index.headers().firstValue("server").orElse("")).as("served by the web server")
                    .startsWith("nginx");
            assertThat(index.body()).contains("Static shop");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(ingress + "/version")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).as("routed to the observer")
                    .contains("\"version\":\"1.0.0\"");

            try (ChromiumPage page = new ChromiumPage(ingress + "/")) {
                assertThat(page.browser().js("return document.getElementById('shop').textContent"))
                        .isEqualTo("Static shop");
                assertThat(page.version()).isEqualTo("1.0.0");

                ChromiumPage.assertPromptedOnceAfterRollout(cluster, page, ingress + "/", "2.0.0", WAIT);
            }
        }
    }
}

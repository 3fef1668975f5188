package dev.versionobserver.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.versionobserver.support.ServiceProcess;

/**
 * README "Use it in your Quarkus app", proven: someone else's Quarkus application ({@code src/test/embedded-app})
 * adds the library jar as one dependency, puts {@code {#versionObserver /}} in its own page and sets a few
 * {@code observer.*} properties; built by its own Maven build against the jar this build made, it keeps its own
 * routes, gains the observer's, and its own page is prompted once after a rollout of the local cluster.
 */
class EmbeddedAppIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static Path jar;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void buildTheApplication() throws Exception {
        jar = EmbeddedApp.build();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApplicationKeepsItsOwnRoutesAndGainsTheObserversOnes() throws Exception {
        try (ServiceProcess app = ServiceProcess.start(jar, "127.0.0.1", ServiceProcess.freePort(),
                Map.of("APP_VERSION", "1.4.2"))) {
            app.awaitReady(WAIT);
            HttpResponse<String> page = get(app.baseUrl() + "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).as("the application's own page, not the service's demo page")
                    .contains("<h1 id=\"shop\">Welcome to the shop</h1>")
                    .contains("window.appVersion = \"1.4.2\"")
                    .contains("<script type=\"module\" src=\"/version-observer/client.js\"></script>")
                    .doesNotContain("Demo app");
            assertThat(get(app.baseUrl() + "/api/items").body()).isEqualTo("[\"tea\",\"coffee\"]");

            assertThat(get(app.baseUrl() + "/version").body()).contains("\"version\":\"1.4.2\"");
            HttpResponse<String> script = get(app.baseUrl() + "/version-observer/client.js");
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.headers().firstValue("content-type").orElse("")).contains("javascript");
            assertThat(get(app.baseUrl() + "/version-observer/index.js").body()).contains("export function connect");
            assertThat(get(app.baseUrl() + "/status").body()).contains("Version Observer status");
            assertThat(get(app.baseUrl() + "/q/metrics").body()).contains("version_observer_notifications_sent");
            assertThat(app.httpStatus("/q/health/ready")).isEqualTo(200);
            assertThat(app.output()).as("the application's own name and version in its start line")
                    .contains("shop 1.0.0 on JVM");
        }
        assertThat(Files.readString(jar.resolveSibling("quarkus-app-dependencies.txt")))
                .as("the service's JSON logging is not passed on to the application")
                .doesNotContain("quarkus-logging-json")
                .contains("dev.versionobserver:version-observer:library:jar:");
    }

    @Test
    void itsOwnPageIsPromptedOnceAfterARollout() throws Exception {
        try (LocalCluster cluster = new LocalCluster(LocalCluster.Options.defaults().withPodJar(jar)
                .withEnv(LocalClusterMain.DEMO_ENV), line -> System.out.println("[embedded] " + line))) {
            cluster.deployAndAwaitPublished("1.0.0", 2, WAIT);
            try (ChromiumPage page = new ChromiumPage(cluster.serviceUrl() + "/")) {
                assertThat(page.browser().js("return document.getElementById('shop').textContent"))
                        .isEqualTo("Welcome to the shop");
                assertThat(page.version()).isEqualTo("1.0.0");

                ChromiumPage.assertPromptedOnceAfterRollout(cluster, page, cluster.serviceUrl() + "/", "2.0.0", WAIT);
            }
        }
    }
}

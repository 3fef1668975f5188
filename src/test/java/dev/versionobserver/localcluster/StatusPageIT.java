package dev.versionobserver.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.versionobserver.localcluster.LocalCluster.PodInfo;
import dev.versionobserver.support.Browser;

/**
 * /status served by a pod that is not the leader: it shows the leader's view of the cluster, live, during a
 * rollout. Screenshots land in target/ for a person to look at.
 */
class StatusPageIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aFollowerShowsTheLeadersLiveViewOfARollout() throws Exception {
        try (LocalCluster cluster = new LocalCluster(LocalCluster.Options.defaults().withEnv(LocalClusterMain.DEMO_ENV),
                line -> System.out.println("[cluster] " + line)); Browser browser = new Browser()) {
            cluster.deployAndAwaitPublished("1.0.0", 3, WAIT);
            await().atMost(WAIT).until(() -> cluster.leader().flatMap(cluster::pod).isPresent());
            String leader = cluster.leader().orElseThrow();
            PodInfo follower = cluster.pods().stream().filter(p -> !p.name().equals(leader)).findFirst().orElseThrow();

            // The baseline can be published before the last pod has been asked: wait for the full picture.
            await().atMost(WAIT).until(() -> data(cluster, follower).path("clusterState").asText().equals("CONVERGED")
                    && data(cluster, follower).path("versions").path("1.0.0").asInt() == 3);
            JsonNode data = data(cluster, follower);
            assertThat(data.path("servedBy").asText()).isEqualTo(follower.name());
            assertThat(data.path("leader").asText()).isEqualTo(leader);
            assertThat(data.path("source").asText()).contains("from the leader " + leader);
            assertThat(data.path("pods")).hasSize(3).allSatisfy(p -> assertThat(p.path("version").asText())
                    .isEqualTo("1.0.0"));

            browser.driver().get(cluster.baseUrl(follower) + "/status");
            await().atMost(WAIT).until(() -> text(browser, "live").contains("on"));
            assertThat(text(browser, "leader")).isEqualTo(leader);
            assertThat(text(browser, "published")).isEqualTo("1.0.0");

            // Old pods held while the page is read, so the follower cannot be replaced before it shows MIXED.
            cluster.holdScaleDown(true);
            cluster.rollout("2.0.0");
            await().atMost(WAIT).until(() -> text(browser, "state").equals("MIXED"));
            assertThat(text(browser, "reason")).contains("1.0.0").contains("2.0.0");
            screenshot(browser, "status-page-mixed.png");
            cluster.holdScaleDown(false);

            await().atMost(WAIT).until(cluster::rolledOut);
            // The follower may itself be replaced by the rollout: follow the page of any pod that stays.
            PodInfo stays = cluster.pods().get(0);
            browser.driver().get(cluster.baseUrl(stays) + "/status");
            await().atMost(WAIT).until(() -> text(browser, "published").equals("2.0.0")
                    && text(browser, "state").equals("CONVERGED"));
            assertThat(browser.driver().findElements(By.cssSelector("#pods tr"))).hasSize(3);
            assertThat(text(browser, "events")).contains("2.0.0");
            screenshot(browser, "status-page.png");
        }
    }

    private static JsonNode data(LocalCluster cluster, PodInfo pod) throws Exception {
        return new ObjectMapper().readTree(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(cluster.baseUrl(pod) + "/status/data")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static String text(Browser browser, String id) {
        return browser.driver().findElement(By.id(id)).getText();
    }

    private static void screenshot(Browser browser, String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser.driver()).getScreenshotAs(OutputType.BYTES);
        Files.write(Path.of("target", name), png);
    }
}

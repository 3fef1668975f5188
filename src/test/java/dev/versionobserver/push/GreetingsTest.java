package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.versionobserver.cluster.PodIdentity;
import dev.versionobserver.support.TestVersionConfig;
import dev.versionobserver.version.AppVersion;
import dev.versionobserver.version.OwnVersion;
import dev.versionobserver.version.PublicationPolicy;
import dev.versionobserver.version.VersionConfig;

/** The hello kept for reuse is only ever reused for the very pair it was rendered for. */
class GreetingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final VersionConfig config = new TestVersionConfig("2.0.0");
    private final Greetings greetings = new Greetings(new OwnVersion(config), new PodIdentity() {
        @Override
        public String name() {
            return "pod-a";
        }

        @Override
        public Optional<String> namespace() {
            return Optional.empty();
        }

        @Override
        public Optional<String> ip() {
            return Optional.empty();
        }
    }, new PublicationPolicy(config));

    private final AppVersion published = AppVersion.parse("2.0.0");
    private final AppVersion oldPage = AppVersion.parse("1.0.0");
    private final AppVersion currentPage = AppVersion.parse("2.1.0");

    @Test
    void eachPairIsGreetedWithItsOwnStaleness() throws Exception {
        for (int round = 0; round < 2; round++) {
            assertThat(hello(oldPage, published).path("stale").asBoolean()).isTrue();
            assertThat(hello(currentPage, published).path("stale").asBoolean()).isFalse();
            assertThat(hello(null, published).path("stale").isNull()).isTrue();
            assertThat(hello(currentPage, null).path("published").isNull()).isTrue();
            assertThat(hello(currentPage, null).path("stale").isNull()).isTrue();
        }
    }

    @Test
    void theHelloCarriesThisPodAndThePublishedVersion() throws Exception {
        JsonNode hello = hello(oldPage, published);
        assertThat(hello.path("type").asText()).isEqualTo("hello");
        assertThat(hello.path("server").asText()).isEqualTo("2.0.0");
        assertThat(hello.path("pod").asText()).isEqualTo("pod-a");
        assertThat(hello.path("published").asText()).isEqualTo("2.0.0");
    }

    @Test
    void theSamePairInARowIsRenderedOnce() {
        assertThat(greetings.hello(oldPage, published)).isSameAs(greetings.hello(oldPage, published));
    }

    @Test
    void anEqualButDistinctPublishedVersionIsRenderedAfresh() {
        String first = greetings.hello(oldPage, published);
        String again = greetings.hello(oldPage, AppVersion.parse("2.0.0"));
        assertThat(again).isEqualTo(first).isNotSameAs(first);
    }

    private JsonNode hello(AppVersion page, AppVersion current) throws Exception {
        return JSON.readTree(greetings.hello(page, current));
    }
}

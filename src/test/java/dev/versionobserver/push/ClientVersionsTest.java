package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.versionobserver.publication.PublishedVersion;
import dev.versionobserver.support.RecordingEvent;
import dev.versionobserver.support.TestVersionConfig;
import dev.versionobserver.version.AppVersion;
import dev.versionobserver.version.InvalidVersionException;
import dev.versionobserver.version.OwnVersion;

/**
 * Pages of one version share one parsed instance (what keeps a handshake from parsing and a socket from holding its
 * own copy), while every text still parses to the version it names and bad ones are refused every time.
 */
class ClientVersionsTest {

    private final OwnVersion own = new OwnVersion(new TestVersionConfig("2.0.0"));
    private final PublishedVersion published = new PublishedVersion(new RecordingEvent<>());
    private final ClientVersions versions = new ClientVersions(own, published);

    @Test
    void pagesOfThisPodsVersionShareItsInstance() {
        assertThat(versions.parse("2.0.0")).isSameAs(own.version());
    }

    @Test
    void pagesOfThePublishedVersionShareThePublishedInstance() {
        AppVersion current = AppVersion.parse("1.4.0");
        published.observe(current);
        assertThat(versions.parse("1.4.0")).isSameAs(current);
    }

    @Test
    void anyOtherVersionIsParsedAndTheLastOneIsReused() {
        AppVersion first = versions.parse("0.9.0");
        assertThat(first).hasToString("0.9.0");
        assertThat(versions.parse("0.9.0")).isSameAs(first);

        AppVersion other = versions.parse("v0.8.1-rc.1");
        assertThat(other).hasToString("0.8.1-rc.1");
        assertThat(versions.parse("0.9.0")).as("only the last one is kept").isNotSameAs(first).isEqualTo(first);
    }

    @Test
    void aPrefixedOrPaddedSpellingOfThisPodsVersionIsStillThatVersion() {
        assertThat(versions.parse("v2.0.0")).isEqualTo(own.version());
        assertThat(versions.parse(" 2.0.0 ")).isEqualTo(own.version());
    }

    @Test
    void noVersionIsNull() {
        assertThat(versions.parse(null)).isNull();
        assertThat(versions.parse("")).isNull();
    }

    @Test
    void malformedVersionsAreRefusedEveryTimeAndDisplaceNothing() {
        AppVersion remembered = versions.parse("0.9.0");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> versions.parse("not-a-version")).isInstanceOf(InvalidVersionException.class)
                    .hasMessageContaining("not-a-version");
        }
        assertThat(versions.parse("0.9.0")).isSameAs(remembered);
    }
}

package dev.versionobserver.publication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.versionobserver.support.RecordingEvent;
import dev.versionobserver.version.AppVersion;

/**
 * One {@link VersionPublished} per change of the published version, however often the same value is observed
 * (informer re-lists, Lease renewals). Protects the {@code previous.sameAs(version)} guard in
 * {@link PublishedVersion#observe}: without it every re-list would push {@code new_version} again (FaultsIT's
 * lost-Lease-event scenario sees that too, through real processes).
 */
class PublishedVersionTest {

    private final RecordingEvent<VersionPublished> events = new RecordingEvent<>();
    private final PublishedVersion published = new PublishedVersion(events);

    @Test
    void theFirstValueIsAnnouncedWithoutAPrevious() {
        assertThat(published.observe(AppVersion.parse("1.0.0"))).as("a change").isFalse();
        assertThat(events.fired()).extracting(e -> e.version().toString()).containsExactly("1.0.0");
        assertThat(events.fired().get(0).previous()).isNull();
    }

    @Test
    void observingTheSameValueAgainFiresNothing() {
        published.observe(AppVersion.parse("1.0.0"));
        for (int i = 0; i < 5; i++) {
            assertThat(published.observe(AppVersion.parse("1.0.0"))).isFalse();
        }
        assertThat(events.fired()).hasSize(1);
    }

    @Test
    void eachChangeFiresOnceWithItsPrevious() {
        published.observe(AppVersion.parse("1.0.0"));
        assertThat(published.observe(AppVersion.parse("2.0.0"))).isTrue();
        assertThat(published.observe(AppVersion.parse("2.0.0"))).isFalse();
        assertThat(published.observe(AppVersion.parse("1.0.0"))).as("a rollback is a change too").isTrue();
        assertThat(events.fired()).extracting(e -> e.previous() + "->" + e.version())
                .containsExactly("null->1.0.0", "1.0.0->2.0.0", "2.0.0->1.0.0");
        assertThat(published.current()).map(AppVersion::toString).contains("1.0.0");
    }
}

package dev.versionobserver.publication;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;

import org.junit.jupiter.api.Test;

import dev.versionobserver.status.RecentEvents;
import dev.versionobserver.version.AppVersion;

/**
 * One {@link VersionPublished} per change of the published version, however often the same value is observed
 * (informer re-lists, Lease renewals). Protects the {@code previous.sameAs(version)} guard in
 * {@link PublishedVersion#observe}: without it every re-list would push {@code new_version} again (FaultsIT's
 * lost-Lease-event scenario sees that too, through real processes).
 */
class PublishedVersionTest {

    private final List<VersionPublished> fired = new ArrayList<>();
    private final PublishedVersion published = new PublishedVersion(new Recording(), new RecentEvents());

    @Test
    void theFirstValueIsAnnouncedWithoutAPrevious() {
        assertThat(published.observe(AppVersion.parse("1.0.0"))).as("a change").isFalse();
        assertThat(fired).extracting(e -> e.version().toString()).containsExactly("1.0.0");
        assertThat(fired.get(0).previous()).isNull();
    }

    @Test
    void observingTheSameValueAgainFiresNothing() {
        published.observe(AppVersion.parse("1.0.0"));
        for (int i = 0; i < 5; i++) {
            assertThat(published.observe(AppVersion.parse("1.0.0"))).isFalse();
        }
        assertThat(fired).hasSize(1);
    }

    @Test
    void eachChangeFiresOnceWithItsPrevious() {
        published.observe(AppVersion.parse("1.0.0"));
        assertThat(published.observe(AppVersion.parse("2.0.0"))).isTrue();
        assertThat(published.observe(AppVersion.parse("2.0.0"))).isFalse();
        assertThat(published.observe(AppVersion.parse("1.0.0"))).as("a rollback is a change too").isTrue();
        assertThat(fired).extracting(e -> e.previous() + "->" + e.version())
                .containsExactly("null->1.0.0", "1.0.0->2.0.0", "2.0.0->1.0.0");
        assertThat(published.current()).map(AppVersion::toString).contains("1.0.0");
    }

    /** Records what is fired; the rest of CDI's Event is not used by PublishedVersion. */
    private final class Recording implements Event<VersionPublished> {
        @Override
        public void fire(VersionPublished event) {
            fired.add(event);
        }

        @Override
        public <U extends VersionPublished> CompletionStage<U> fireAsync(U event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends VersionPublished> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Event<VersionPublished> select(Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends VersionPublished> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends VersionPublished> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
    }
}

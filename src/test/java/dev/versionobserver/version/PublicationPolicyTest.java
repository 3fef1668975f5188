package dev.versionobserver.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one rule, both ways: a version is published over another exactly when a page on the other is stale against
 * it, under every policy; nothing published yet is a baseline (published, tells nobody); an unknown side is
 * "stale: unknown".
 */
class PublicationPolicyTest {

    @ParameterizedTest(name = "{0}: {1} over {2} -> publish {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            MAJOR | 1.0.0 | 2.0.0      | true
            MAJOR | 2.0.0 | 1.0.0      | true
            MAJOR | 1.0.0 | 1.9.0      | false
            MINOR | 1.0.0 | 1.1.0      | true
            MINOR | 1.0.0 | 1.0.7      | false
            PATCH | 1.0.0 | 1.0.1      | true
            PATCH | 1.0.0 | 1.0.0+b.7  | false
            ANY   | 1.0.0 | 1.0.0+b.7  | true
            ANY   | 1.0.0 | v1.0.0     | false
            MAJOR | -     | 1.0.0      | true
            """)
    void publishesExactlyWhenAPageOnThePublishedVersionIsStale(CompatibilityPolicy compatibility, String published,
            String converged, boolean publish) {
        PublicationPolicy policy = new PublicationPolicy(compatibility);
        Optional<AppVersion> current = Optional.ofNullable(published).map(AppVersion::parse);
        AppVersion candidate = AppVersion.parse(converged);
        assertThat(policy.supersedes(current, candidate)).isEqualTo(publish);
        if (current.isPresent()) {
            assertThat(policy.stale(current.get(), candidate)).as("a page on the published version")
                    .isEqualTo(publish);
        } else {
            assertThat(policy.stale(null, candidate)).as("nothing published: no page can be judged").isNull();
        }
        assertThat(policy.stale(candidate, null)).isNull();
    }
}

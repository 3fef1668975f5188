package dev.versionobserver.version;

import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The one place the compatibility rule ({@code observer.version.compatibility}) is applied: whether a version the
 * cluster converged on replaces the published one, and whether a page is stale against the published version.
 * Both answers follow from the same {@link CompatibilityPolicy}, so a page is told exactly when a publication
 * would be made for its version.
 */
@Singleton
public class PublicationPolicy {

    private final CompatibilityPolicy compatibility;

    @Inject
    public PublicationPolicy(VersionConfig config) {
        this(config.compatibility());
    }

    PublicationPolicy(CompatibilityPolicy compatibility) {
        this.compatibility = compatibility;
    }

    /**
     * Whether {@code converged} is to be published over {@code published}: when nothing is published yet (the
     * baseline, which tells nobody) or when the two are incompatible.
     */
    public boolean supersedes(Optional<AppVersion> published, AppVersion converged) {
        return published.isEmpty() || !compatibility.compatible(published.get(), converged);
    }

    /**
     * Whether a page running {@code page} must be told about {@code published}; null when either is unknown (a page
     * that sent no version, or nothing published yet).
     */
    public Boolean stale(AppVersion page, AppVersion published) {
        return page == null || published == null ? null : !compatibility.compatible(page, published);
    }
}

package dev.versionobserver.push;

import jakarta.inject.Singleton;

import dev.versionobserver.publication.PublishedVersion;
import dev.versionobserver.version.AppVersion;
import dev.versionobserver.version.OwnVersion;

/**
 * Parses the version a page sends ({@code ?v=}), reusing the parsed instance when it is one this pod already holds.
 * Nearly every page runs either this pod's version or the published one, so a handshake normally parses nothing
 * and every socket of one version shares one {@link AppVersion}: parsing allocates ~2 KB (semver4j's regex match
 * and formatting), about a tenth of what an accept allocates, and a parsed version kept per socket is ~200 bytes
 * of its idle heap (BENCHMARKS.md section 4c, session 10). Shared instances also let the fan-out work out
 * staleness once per version instead of once per socket ({@link SessionRegistry}).
 *
 * <p>Anything else is parsed, and the last such value is remembered in one slot: a rollout's older pages all send
 * the same version. One slot, not a map, so that pages sending many different values can grow nothing.
 */
@Singleton
class ClientVersions {

    /** The text a page sent and what it parsed to. */
    private record Parsed(String text, AppVersion version) {
    }

    private final AppVersion own;
    private final String ownText;
    private final PublishedVersion published;
    private volatile Parsed last;

    ClientVersions(OwnVersion own, PublishedVersion published) {
        this.own = own.version();
        this.ownText = this.own.toString();
        this.published = published;
    }

    /**
     * The page's version, or null when it sent none.
     *
     * @throws dev.versionobserver.version.InvalidVersionException when the text is not a version
     */
    AppVersion parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.equals(ownText)) {
            return own;
        }
        AppVersion current = published.current().orElse(null);
        if (current != null && text.equals(current.toString())) {
            return current;
        }
        Parsed remembered = last;
        if (remembered != null && remembered.text().equals(text)) {
            return remembered.version();
        }
        AppVersion parsed = AppVersion.parse(text);
        last = new Parsed(text, parsed);
        return parsed;
    }
}

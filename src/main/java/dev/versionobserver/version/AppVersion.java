package dev.versionobserver.version;

import java.util.Objects;

import org.semver4j.Semver;

/**
 * A semantic version as the service understands it: {@code 1.2.3}, {@code v1.2.3} or {@code 1.2.3-rc.1+build.5}.
 * The canonical text ({@link #toString()}) never carries the {@code v} prefix, so two pods built from the same
 * version always compare equal whatever spelling their build used.
 */
public final class AppVersion {

    /** Longer strings are refused before parsing: versions travel in URLs, JSON and every log line. */
    public static final int MAX_LENGTH = 128;

    private final Semver semver;

    private AppVersion(Semver semver) {
        this.semver = semver;
    }

    /**
     * Parses a version string.
     *
     * @throws InvalidVersionException with a message that quotes the (truncated) bad value
     */
    public static AppVersion parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidVersionException("a version is required, got an empty value");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidVersionException("version is " + text.length() + " characters long, at most "
                    + MAX_LENGTH + " are allowed: " + quote(text));
        }
        // semver4j accepts a leading 'v' and surrounding blanks, and rejects everything that is not SemVer 2.0.
        Semver parsed = Semver.parse(text);
        if (parsed == null) {
            throw new InvalidVersionException("not a semantic version (expected e.g. 1.2.3, v1.2.3 or "
                    + "1.2.3-rc.1+build.5): " + quote(text));
        }
        return new AppVersion(parsed);
    }

    /** Parses, returning {@code null} for anything that is not a valid version. */
    public static AppVersion tryParse(String text) {
        try {
            return parse(text);
        } catch (InvalidVersionException e) {
            return null;
        }
    }

    Semver semver() {
        return semver;
    }

    /** Whether {@code other} is a different version in any way, pre-release and build metadata included. */
    public boolean sameAs(AppVersion other) {
        return other != null && semver.diff(other.semver) == Semver.VersionDiff.NONE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AppVersion other && sameAs(other);
    }

    @Override
    public int hashCode() {
        return Objects.hash(semver.getVersion());
    }

    @Override
    public String toString() {
        return semver.getVersion();
    }

    /** Quotes a value for an error message, cut short and with control characters made visible. */
    static String quote(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        StringBuilder sb = new StringBuilder("'");
        shown.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('\'').toString();
    }
}

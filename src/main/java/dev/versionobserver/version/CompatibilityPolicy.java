package dev.versionobserver.version;

import org.semver4j.Semver.VersionDiff;

/**
 * Decides whether a browser running one version must be told about another. A rollback is a change like any
 * other: only the size of the difference counts, never its direction.
 */
public enum CompatibilityPolicy {
    /** Incompatible when the major numbers differ (the default). */
    MAJOR,
    /** Incompatible when the major or minor numbers differ. */
    MINOR,
    /** Incompatible when major, minor or patch differ; pre-release and build metadata are ignored. */
    PATCH,
    /** Incompatible on any difference, pre-release and build metadata included. */
    ANY;

    /** Whether a client on {@code running} can keep working against {@code serving}. */
    public boolean compatible(AppVersion running, AppVersion serving) {
        VersionDiff diff = running.semver().diff(serving.semver());
        return switch (this) {
            case MAJOR -> diff != VersionDiff.MAJOR;
            case MINOR -> diff != VersionDiff.MAJOR && diff != VersionDiff.MINOR;
            case PATCH -> diff != VersionDiff.MAJOR && diff != VersionDiff.MINOR && diff != VersionDiff.PATCH;
            case ANY -> diff == VersionDiff.NONE;
        };
    }
}

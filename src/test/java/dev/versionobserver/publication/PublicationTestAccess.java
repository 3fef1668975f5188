package dev.versionobserver.publication;

import dev.versionobserver.version.AppVersion;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/** Lets tests in other packages attempt the raw fenced write with a Lease copy of their choosing. */
public final class PublicationTestAccess {

    private PublicationTestAccess() {
    }

    public static void write(LeasePublicationStore store, Lease readWhileHolder, AppVersion version) {
        store.write(readWhileHolder, version);
    }
}

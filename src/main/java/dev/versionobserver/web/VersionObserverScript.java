package dev.versionobserver.web;

import jakarta.inject.Named;
import jakarta.inject.Singleton;


import dev.versionobserver.cluster.PodIdentity;
import dev.versionobserver.version.OwnVersion;
import io.quarkus.qute.RawString;

/**
 * The values the {@code {#versionObserver /}} tag writes into a page, already encoded for an inline script.
 * Named so templates reach it as {@code inject:versionObserver}; rendered once, since neither value changes.
 */
@Singleton
@Named("versionObserver")
public class VersionObserverScript {

    private final RawString appVersion;
    private final RawString pod;

    public VersionObserverScript(OwnVersion own, PodIdentity identity) {
        this.appVersion = new RawString(ScriptJson.encode(own.version().toString()));
        this.pod = new RawString(ScriptJson.encode(identity.name()));
    }

    /** The version as a JSON string literal, safe inside {@code <script>}. */
    public RawString getAppVersion() {
        return appVersion;
    }

    /** The pod name as a JSON string literal, safe inside {@code <script>}. */
    public RawString getPod() {
        return pod;
    }

}

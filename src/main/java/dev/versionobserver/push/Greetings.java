package dev.versionobserver.push;

import jakarta.inject.Singleton;

import dev.versionobserver.cluster.PodIdentity;
import dev.versionobserver.version.AppVersion;
import dev.versionobserver.version.OwnVersion;
import dev.versionobserver.version.PublicationPolicy;

/**
 * The {@code hello} a socket is greeted with. Its text depends only on the page's version and the published one;
 * with the instances {@link ClientVersions} shares, handshakes in a row nearly always ask for the same pair, so the
 * last text is kept and reused (a storm of reconnecting pages renders it once instead of once per page).
 */
@Singleton
class Greetings {

    /** A rendered hello and the pair it was rendered for, compared by identity (cheap, and never wrong). */
    private record Rendered(AppVersion page, AppVersion published, String text) {
    }

    private final String own;
    private final String pod;
    private final PublicationPolicy policy;
    private volatile Rendered last;

    Greetings(OwnVersion own, PodIdentity pod, PublicationPolicy policy) {
        this.own = own.version().toString();
        this.pod = pod.name();
        this.policy = policy;
    }

    /** The hello for a page running {@code page} (null: it sent none) while {@code published} is published. */
    String hello(AppVersion page, AppVersion published) {
        Rendered rendered = last;
        if (rendered != null && rendered.page() == page && rendered.published() == published) {
            return rendered.text();
        }
        String text = new Protocol.Hello(own, pod, published == null ? null : published.toString(),
                policy.stale(page, published)).json();
        last = new Rendered(page, published, text);
        return text;
    }
}

package dev.versionobserver.publication;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.event.Event;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.versionobserver.version.AppVersion;

/**
 * This pod's view of the published version. Whoever reads the publication store calls {@link #observe}; every
 * change fires exactly one {@link VersionPublished} (the first value with no previous one). Observing the same
 * value again (watch re-lists, lease renewals) is a no-op, so callers need not de-duplicate.
 */
@Singleton
public class PublishedVersion {

    private static final Logger LOG = Logger.getLogger(PublishedVersion.class);

    private final AtomicReference<AppVersion> current = new AtomicReference<>();
    private final Event<VersionPublished> events;

    public PublishedVersion(Event<VersionPublished> events) {
        this.events = events;
    }

    public Optional<AppVersion> current() {
        return Optional.ofNullable(current.get());
    }

    /** Records the version found in the publication store. Returns whether it was a change. */
    public boolean observe(AppVersion version) {
        AppVersion previous = current.getAndSet(version);
        if (previous == null) {
            LOG.infof("Published version is %s", version);
            events.fire(new VersionPublished(null, version));
            return false;
        }
        if (previous.sameAs(version)) {
            return false;
        }
        LOG.infof("Published version changed from %s to %s", previous, version);
        events.fire(new VersionPublished(previous, version));
        return true;
    }
}

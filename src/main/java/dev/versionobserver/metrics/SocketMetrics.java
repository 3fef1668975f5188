package dev.versionobserver.metrics;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.versionobserver.push.SessionRegistry;
import dev.versionobserver.push.SocketAdmission;
import dev.versionobserver.push.SocketEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * The meters every pod has, standalone or not: its browser sockets and what was pushed to them. The cluster's
 * meters (election, monitor, API) are {@link LeaderMetrics}'. Both only receive CDI events, nothing calls them
 * (PackageDependenciesTest). Observers run on the firing thread, often an event loop: they only count.
 */
@Startup // every series exists from the first scrape, at zero, not only after its first event
@Singleton
public class SocketMetrics {

    private final RegisteredMeters meters;
    private final Counter notifications;
    private final Counter tooSlow;
    private final Counter orphaned;

    public SocketMetrics(MeterRegistry registry, SessionRegistry sockets, SocketAdmission connections) {
        meters = new RegisteredMeters(registry);
        notifications = meters.track(Counter.builder("version_observer_notifications_sent")
                .description("new_version messages queued to browser sockets").register(registry));
        tooSlow = meters.track(Counter.builder("version_observer_websocket_dropped_slow")
                .description("sockets closed because the client did not keep up").register(registry));
        orphaned = meters.track(Counter.builder("version_observer_websocket_orphaned")
                .description("open sockets found unregistered by the keep-alive sweep and closed (a defect if > 0)")
                .register(registry));
        meters.track(Gauge.builder("version_observer_websocket_sessions", sockets, SessionRegistry::size)
                .description("open browser sockets on this pod").strongReference(true).register(registry));
        meters.track(Gauge.builder("version_observer_websocket_connections", connections, SocketAdmission::open)
                .description("admitted browser sockets whose TCP connection has not ended (what the caps count)")
                .strongReference(true).register(registry));
    }

    void onSockets(@Observes SocketEvent event) {
        switch (event.kind()) {
            case NOTIFIED -> notifications.increment(event.count());
            case DROPPED_SLOW -> tooSlow.increment(event.count());
            case ORPHANED -> orphaned.increment(event.count());
        }
    }

    @PreDestroy
    void unregister() {
        meters.removeAll();
    }
}

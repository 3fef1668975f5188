package dev.versionobserver.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/** The meters one bean registered, removed again when it is destroyed (the registry can outlive the app in tests). */
final class RegisteredMeters {

    private final MeterRegistry registry;
    private final Set<Meter> registered = ConcurrentHashMap.newKeySet();

    RegisteredMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    <M extends Meter> M track(M meter) {
        registered.add(meter);
        return meter;
    }

    void removeAll() {
        registered.forEach(registry::remove);
    }
}

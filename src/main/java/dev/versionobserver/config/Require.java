package dev.versionobserver.config;

import java.time.Duration;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Minimums of settings, checked at start-up by the package that owns them. Each failure is one line that names the
 * property and the value given, so a bad value stops the pod at once instead of leaving it running in a state that
 * can never work (e.g. {@code observer.monitor.max-concurrent-polls=0}: no poll could ever start).
 */
public final class Require {

    private Require() {
    }

    public static void positive(String property, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigurationException(property + "=" + value + " must be positive");
        }
    }

    public static void notNegative(String property, Duration value) {
        if (value.isNegative()) {
            throw new ConfigurationException(property + "=" + value + " must not be negative");
        }
    }

    public static void atLeast(String property, long value, long minimum) {
        if (value < minimum) {
            throw new ConfigurationException(property + "=" + value + " must be at least " + minimum);
        }
    }
}

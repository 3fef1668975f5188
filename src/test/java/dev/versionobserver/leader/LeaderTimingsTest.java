package dev.versionobserver.leader;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.runtime.configuration.ConfigurationException;

/** The election timings, one row per case, as client-go tests its config validation. */
class LeaderTimingsTest {

    /** Election timings as a configuration mapping would give them (also LeaderElectionShutdownTest's). */
    record Timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod,
            Duration takeoverSpread) implements LeaderConfig {
        @Override
        public String leaseName() {
            return "version-observer";
        }
    }

    @ParameterizedTest(name = "lease {0}, renew {1}, retry {2}, spread {3}: {4}")
    @CsvSource(delimiter = '|', textBlock = """
            PT15S | PT10S | PT2S    | PT0.1S | ok
            PT2S  | PT1.5S| PT0.2S  | PT0S   | ok
            PT5S  | PT10S | PT2S    | PT0.1S | observer.leader.lease-duration=PT5S must be greater than observer.leader.renew-deadline=PT10S
            PT10S | PT10S | PT2S    | PT0.1S | observer.leader.lease-duration=PT10S must be greater than observer.leader.renew-deadline=PT10S
            PT15S | PT10S | PT9S    | PT0.1S | observer.leader.renew-deadline=PT10S must be greater than 1.2 x observer.leader.retry-period=PT9S
            PT1.5S| PT1S  | PT0.2S  | PT0.1S | observer.leader.lease-duration=PT1.5S must be a whole number of seconds
            PT0S  | PT10S | PT2S    | PT0.1S | observer.leader.lease-duration=PT0S must be positive
            PT15S | PT-1S | PT2S    | PT0.1S | observer.leader.renew-deadline=PT-1S must be positive
            PT15S | PT10S | PT0S    | PT0S   | observer.leader.retry-period=PT0S must be positive
            PT15S | PT10S | PT2S    | PT2S   | observer.leader.takeover-spread=PT2S must be at least 0 and less than observer.leader.retry-period=PT2S
            PT15S | PT10S | PT2S    | PT-0.1S| observer.leader.takeover-spread=PT-0.1S must be at least 0
            """)
    void validatesEveryTimingAndNamesTheSetting(Duration lease, Duration renew, Duration retry, Duration spread,
            String expected) {
        Timings timings = new Timings(lease, renew, retry, spread);
        if (expected.equals("ok")) {
            assertThatCode(() -> LeaderTimings.validate(timings)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> LeaderTimings.validate(timings)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(expected);
        }
    }
}

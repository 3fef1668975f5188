package dev.versionobserver.monitor;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.runtime.configuration.ConfigurationException;

/** The monitor's settings, one row per case, as client-go tests its config validation. */
class MonitorSettingsTest {

    private record Settings(Duration debounce, Duration pollTimeout, Duration retryInitial, Duration retryMax,
            int maxConcurrentPolls) implements MonitorConfig {
    }

    @ParameterizedTest(name = "debounce {0}, timeout {1}, retry {2}..{3}, polls {4}: {5}")
    @CsvSource(delimiter = '|', textBlock = """
            PT0.1S | PT2S  | PT0.2S | PT10S  | 16 | ok
            PT0S   | PT0.1S| PT0.05S| PT0.05S| 1  | ok
            PT-1S  | PT2S  | PT0.2S | PT10S  | 16 | observer.monitor.debounce=PT-1S must not be negative
            PT0.1S | PT0S  | PT0.2S | PT10S  | 16 | observer.monitor.poll-timeout=PT0S must be positive
            PT0.1S | PT2S  | PT0S   | PT10S  | 16 | observer.monitor.retry-initial=PT0S must be positive
            PT0.1S | PT2S  | PT1S   | PT0.5S | 16 | observer.monitor.retry-max=PT0.5S must be at least observer.monitor.retry-initial=PT1S
            PT0.1S | PT2S  | PT0.2S | PT10S  | 0  | observer.monitor.max-concurrent-polls=0 must be at least 1
            PT0.1S | PT2S  | PT0.2S | PT10S  | -3 | observer.monitor.max-concurrent-polls=-3 must be at least 1
            """)
    void everyMinimumIsCheckedAndTheSettingNamed(Duration debounce, Duration timeout, Duration retryInitial,
            Duration retryMax, int polls, String expected) {
        Settings settings = new Settings(debounce, timeout, retryInitial, retryMax, polls);
        if (expected.equals("ok")) {
            assertThatCode(() -> MonitorSettings.validate(settings)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> MonitorSettings.validate(settings)).isInstanceOf(ConfigurationException.class)
                    .hasMessage(expected);
        }
    }
}

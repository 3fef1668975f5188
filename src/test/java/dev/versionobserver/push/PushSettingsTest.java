package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.runtime.configuration.ConfigurationException;

/** The push settings, one row per case, as client-go tests its config validation. */
class PushSettingsTest {

    private record Settings(Duration pingInterval, int maxPendingSends, int maxConnections,
            int maxConnectionsPerAddress, int maxClientMessagesPerMinute) implements PushConfig {
        @Override
        public Optional<List<String>> allowedOrigins() {
            return Optional.empty();
        }

        @Override
        public List<String> trustedProxies() {
            return List.of("none");
        }
    }

    @ParameterizedTest(name = "ping {0}, idle {1}, pending {2}, conns {3}/{4}, msgs {5}: {6}")
    @CsvSource(delimiter = '|', textBlock = """
            PT25S | PT90S | 8 | 20000 | 256 | 60 | ok
            PT1S  | PT2S  | 1 | 1     | 1   | 1  | ok
            PT0S  | PT90S | 8 | 20000 | 256 | 60 | observer.push.ping-interval=PT0S must be positive
            PT90S | PT90S | 8 | 20000 | 256 | 60 | observer.push.ping-interval=PT1M30S must be shorter than quarkus.http.idle-timeout=PT1M30S (quiet sockets would be closed as idle)
            PT25S | PT90S | 0 | 20000 | 256 | 60 | observer.push.max-pending-sends=0 must be at least 1
            PT25S | PT90S | 8 | 0     | 256 | 60 | observer.push.max-connections=0 must be at least 1
            PT25S | PT90S | 8 | 20000 | 0   | 60 | observer.push.max-connections-per-address=0 must be at least 1
            PT25S | PT90S | 8 | 20000 | 256 | 0  | observer.push.max-client-messages-per-minute=0 must be at least 1
            """)
    void everyMinimumIsCheckedAndTheSettingNamed(Duration ping, Duration idle, int pending, int connections,
            int perAddress, int messages, String expected) {
        Settings settings = new Settings(ping, pending, connections, perAddress, messages);
        if (expected.equals("ok")) {
            assertThatCode(() -> PushSettings.validate(settings, idle)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> PushSettings.validate(settings, idle))
                    .isInstanceOf(ConfigurationException.class).hasMessage(expected);
        }
    }
}

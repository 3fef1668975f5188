package dev.versionobserver.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.versionobserver.support.ServiceProcess;

/** The operator's switches, on the real process: the status page can be turned off, logs can be JSON. */
class OperationsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void statusCanBeSwitchedOffWithoutTouchingTheRest() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env("OBSERVER_STATUS_ENABLED", "false")).awaitReady(WAIT)) {
            assertThat(service.httpStatus("/status")).isEqualTo(404);
            assertThat(service.httpStatus("/status/data")).isEqualTo(404);
            assertThat(service.httpStatus("/status/stream")).isEqualTo(404);
            assertThat(service.httpStatus("/version")).isEqualTo(200);
        }
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(), ServiceProcess.env())
                .awaitReady(WAIT)) {
            assertThat(service.httpStatus("/status")).isEqualTo(200);
            assertThat(service.httpStatus("/status/data")).isEqualTo(200);
        }
    }

    @Test
    void everyLogLineNamesPodAndVersionAndJsonIsOneSwitchAway() throws Exception {
        try (ServiceProcess text = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env("POD_NAME", "ops-pod", "APP_VERSION", "3.1.4")).awaitReady(WAIT)) {
            assertThat(text.output().lines().filter(l -> l.contains(" INFO ")).toList())
                    .isNotEmpty().allSatisfy(l -> assertThat(l).contains("[ops-pod 3.1.4]"));
        }
        try (ServiceProcess json = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env("POD_NAME", "ops-pod", "APP_VERSION", "3.1.4",
                        "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true")).awaitReady(WAIT)) {
            await().atMost(WAIT).until(() -> json.output().contains("Running standalone"));
            ObjectMapper mapper = new ObjectMapper();
            List<String> lines = json.output().lines().filter(l -> l.startsWith("{")).toList();
            assertThat(lines).isNotEmpty();
            for (String line : lines) {
                JsonNode entry = mapper.readTree(line);
                assertThat(entry.path("pod").asText()).isEqualTo("ops-pod");
                assertThat(entry.path("version").asText()).isEqualTo("3.1.4");
                assertThat(entry.has("message")).isTrue();
            }
        }
    }
}

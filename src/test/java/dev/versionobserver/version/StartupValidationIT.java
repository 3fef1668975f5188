package dev.versionobserver.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.versionobserver.support.ServiceProcess;

/** Configuration errors stop the real process with a message naming the setting and the bad value. */
class StartupValidationIT {

    @Test
    void malformedAppVersionStopsStartUpNamingTheSettingAndValue() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env("APP_VERSION", "latest"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(service.output())
                    .contains("observer.version.app (env APP_VERSION): not a semantic version")
                    .contains("'latest'");
        }
    }

    @Test
    void clusterModeOnWithoutNamespaceStopsStartUp() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env("OBSERVER_CLUSTER_MODE", "on"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(service.output()).contains("observer.cluster.mode=on needs the pod namespace");
        }
    }

    @Test
    void leaseTimingsThatCannotWorkStopStartUpNamingBothValues() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env("POD_NAMESPACE", "demo", "OBSERVER_LEADER_LEASE_DURATION", "5s",
                        "OBSERVER_LEADER_RENEW_DEADLINE", "10s"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(service.output()).contains(
                    "observer.leader.lease-duration=PT5S must be greater than observer.leader.renew-deadline=PT10S");
        }
    }

    @Test
    void retryPeriodTooCloseToRenewDeadlineStopsStartUp() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env("POD_NAMESPACE", "demo", "OBSERVER_LEADER_RETRY_PERIOD", "9s"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(service.output()).contains("observer.leader.renew-deadline=PT10S must be greater than 1.2 x "
                    + "observer.leader.retry-period=PT9S");
        }
    }

    @Test
    void unparseableDurationStopsStartUpNamingTheProperty() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env("OBSERVER_MONITOR_DEBOUNCE", "soon"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(service.output()).contains("observer.monitor.debounce").contains("soon");
        }
    }

    @Test
    void settingsBelowTheirMinimumStopStartUpInEveryModeNamingTheSetting() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env("OBSERVER_MONITOR_MAX_CONCURRENT_POLLS", "0"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(service.output()).contains("observer.monitor.max-concurrent-polls=0 must be at least 1");
        }
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env("OBSERVER_PUSH_PING_INTERVAL", "2m"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(service.output()).contains("observer.push.ping-interval=PT2M must be shorter than "
                    + "quarkus.http.idle-timeout=PT1M30S");
        }
    }
}

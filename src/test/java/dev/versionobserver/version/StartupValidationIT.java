package dev.versionobserver.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.versionobserver.support.ServiceProcess;

/** Configuration errors stop the real process with a message naming the setting and the bad value. */
class StartupValidationIT {

    @Test
    void malformedAppVersionStopsStartUpNamingTheSettingAndValue() throws Exception {
        assertThat(failedStartOutput("APP_VERSION", "latest"))
                .contains("observer.version.app (env APP_VERSION): not a semantic version")
                .contains("'latest'");
    }

    @Test
    void clusterModeOnWithoutNamespaceStopsStartUp() throws Exception {
        assertThat(failedStartOutput("OBSERVER_CLUSTER_MODE", "on"))
                .contains("observer.cluster.mode=on needs the pod namespace");
    }

    @Test
    void leaseTimingsThatCannotWorkStopStartUpNamingBothValues() throws Exception {
        assertThat(failedStartOutput("POD_NAMESPACE", "demo", "OBSERVER_LEADER_LEASE_DURATION", "5s",
                "OBSERVER_LEADER_RENEW_DEADLINE", "10s")).contains(
                    "observer.leader.lease-duration=PT5S must be greater than observer.leader.renew-deadline=PT10S");
    }

    @Test
    void retryPeriodTooCloseToRenewDeadlineStopsStartUp() throws Exception {
        assertThat(failedStartOutput("POD_NAMESPACE", "demo", "OBSERVER_LEADER_RETRY_PERIOD", "9s"))
                .contains("observer.leader.renew-deadline=PT10S must be greater than 1.2 x "
                    + "observer.leader.retry-period=PT9S");
    }

    @Test
    void unparseableDurationStopsStartUpNamingTheProperty() throws Exception {
        assertThat(failedStartOutput("OBSERVER_MONITOR_DEBOUNCE", "soon")).contains("observer.monitor.debounce")
                .contains("soon");
    }

    @Test
    void settingsBelowTheirMinimumStopStartUpInEveryModeNamingTheSetting() throws Exception {
        assertThat(failedStartOutput("OBSERVER_MONITOR_MAX_CONCURRENT_POLLS", "0"))
                .contains("observer.monitor.max-concurrent-polls=0 must be at least 1");
        assertThat(failedStartOutput("OBSERVER_PUSH_PING_INTERVAL", "2m"))
                .contains("observer.push.ping-interval=PT2M must be shorter than "
                    + "quarkus.http.idle-timeout=PT1M30S");
    }

    /** Starts the service with this environment, expects it to exit with an error, and returns what it printed. */
    private static String failedStartOutput(String... env) throws Exception {
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env(env))) {
            assertThat(service.awaitExit(Duration.ofSeconds(60))).isNotZero();
            return service.output();
        }
    }
}

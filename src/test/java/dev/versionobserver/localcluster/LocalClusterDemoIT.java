package dev.versionobserver.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.versionobserver.support.Browser;

/**
 * The README's first command, end to end: the scripted scenario (baseline, surge rollout with a leader SIGKILL,
 * compatible rollout, rollback) with pages in headless Chromium, judged by the scenario's own expectations.
 */
class LocalClusterDemoIT {

    @Test
    void scriptedScenarioRunsAsExpected() throws Exception {
        // Without Chromium the demo falls back to simulated pages; this test is about real browsers.
        assertThat(Browser.available()).as(Browser.binaries() + " installed (.ci/run installs them)").isTrue();
        assertThat(LocalClusterMain.run(3, 3, false)).as("scenario exit status (see the timeline above)").isZero();
    }
}

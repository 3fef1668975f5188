package dev.versionobserver.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The README's first command, end to end: the scripted scenario (baseline, surge rollout with a leader SIGKILL,
 * compatible rollout, rollback) with pages in headless Chromium, judged by the scenario's own expectations.
 */
class LocalClusterDemoIT {

    @Test
    void scriptedScenarioRunsAsExpected() throws Exception {
        assertThat(LocalClusterMain.run(3, 3, false)).as("scenario exit status (see the timeline above)").isZero();
    }
}

package dev.versionobserver.leader;

import java.util.concurrent.CompletionStage;

/**
 * Work that runs only while this pod leads. Calls come from the election's threads (fabric8's elector, which holds
 * its lock while it calls back), may repeat (fabric8 can report "stopped" twice), and must return at once: anything
 * that takes time runs on the task's own threads.
 */
public interface LeaderTask {

    /** This pod acquired the Lease; start leader-only work. */
    void startLeading();

    /**
     * This pod no longer holds the Lease (lost, released, or shutting down): leader-only work stops deciding now.
     * The returned stage completes once it has wound down (what was in flight settled); only a shutdown waits for
     * it, so that nothing in flight goes unrecorded when the process exits.
     */
    CompletionStage<Void> stopLeading();
}

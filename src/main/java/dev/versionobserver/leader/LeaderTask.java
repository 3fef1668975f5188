package dev.versionobserver.leader;

/**
 * Work that runs only while this pod leads. Calls come from the election thread, may repeat (fabric8 can report
 * "stopped" twice), and must return quickly.
 */
public interface LeaderTask {

    /** This pod acquired the Lease; start leader-only work. */
    void startLeading();

    /** This pod no longer holds the Lease (lost, released, or shutting down); stop leader-only work now. */
    void stopLeading();
}

package dev.versionobserver.localcluster;

/** One open page of "the app" during the demo, loaded through the Service. */
interface DemoPage extends AutoCloseable {

    /** The version the page runs (window.appVersion of the document it loaded). */
    String version();

    /** Whether its socket is connected now. */
    boolean connected();

    /** Reload prompts shown since the page was opened, summed over reloads. */
    int prompts();

    /** Reloads the page, as a user clicking "Reload" would. */
    void reload();

    /** What kind of page this is, for the transcript. */
    String kind();
}

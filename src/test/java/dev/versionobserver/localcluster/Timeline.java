package dev.versionobserver.localcluster;

import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.versionobserver.localcluster.LocalCluster.PodInfo;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * The live transcript of the demo: every harness event with its time since start, and, watched every 200 ms, who
 * leads, what is published, what the serving pods run (converged / mixed / pending) and how many pages were told.
 */
final class Timeline implements Consumer<String>, AutoCloseable {

    private final PrintStream out;
    private final long start = System.nanoTime();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "timeline");
        t.setDaemon(true);
        return t;
    });
    private String leader;
    private String published;
    private String state;
    private String told;

    Timeline(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void accept(String line) {
        out.printf("%+9.3fs  %s%n", (System.nanoTime() - start) / 1e9, line);
        out.flush();
    }

    /** Starts watching the cluster (and the pages' prompt count, when there are pages). */
    void watch(LocalCluster cluster, Supplier<String> pagesTold) {
        watcher.scheduleWithFixedDelay(() -> {
            try {
                Optional<Lease> lease = cluster.lease();
                String nowLeader = lease.map(LocalCluster::holder).orElse("(none)");
                if (!nowLeader.equals(leader)) {
                    leader = nowLeader;
                    accept("leader: " + nowLeader);
                }
                String nowPublished = lease.map(LocalCluster::publishedIn).orElse("(nothing yet)");
                if (!nowPublished.equals(published)) {
                    published = nowPublished;
                    accept("published: " + nowPublished);
                }
                String nowState = describe(cluster);
                if (!nowState.equals(state)) {
                    state = nowState;
                    accept("cluster: " + nowState);
                }
                String nowTold = pagesTold.get();
                if (nowTold != null && !nowTold.equals(told)) {
                    told = nowTold;
                    accept("browsers: " + nowTold);
                }
            } catch (RuntimeException e) {
                // the cluster is closing
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
    }

    /** What the serving pods run, the way the monitor judges it. */
    static String describe(LocalCluster cluster) {
        Map<String, Integer> versions = new TreeMap<>();
        int starting = 0;
        for (PodInfo pod : cluster.pods()) {
            if (pod.terminating()) {
                continue;
            }
            if (pod.ready()) {
                versions.merge(pod.version(), 1, Integer::sum);
            } else {
                starting++;
            }
        }
        String pending = starting > 0 ? ", " + starting + " starting" : "";
        if (versions.isEmpty()) {
            return "empty" + pending;
        }
        Optional<String> only = versions.size() == 1 ? versions.keySet().stream().findFirst() : Optional.empty();
        return only.map(v -> "converged on " + v + " (" + versions.get(v) + " serving" + pending + ")")
                .orElse("mixed " + versions + pending);
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}

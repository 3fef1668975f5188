package dev.versionobserver.localcluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.versionobserver.support.Browser;

/**
 * {@code ./mvnw -B -Pdemo -DskipTests package}: runs Version Observer as a local cluster and plays the demo
 * scenario (or, with {@code --interactive}, takes commands). Exit status 0 when the scenario went as expected.
 */
public final class LocalClusterMain {

    static final java.util.Map<String, String> DEMO_ENV = java.util.Map.of(
            "OBSERVER_LEADER_LEASE_DURATION", "5s",
            "OBSERVER_LEADER_RENEW_DEADLINE", "3s",
            "OBSERVER_LEADER_RETRY_PERIOD", "1s");

    private LocalClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        int replicas = 3;
        int pageCount = 3;
        boolean interactive = false;
        java.nio.file.Path kubeconfig = null;
        String podIpPrefix = "127.0.0.";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--interactive" -> interactive = true;
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                case "--pages" -> pageCount = Integer.parseInt(args[++i]);
                case "--kubeconfig" -> kubeconfig = java.nio.file.Path.of(args[++i]);
                case "--pod-ip-prefix" -> podIpPrefix = args[++i];
                case "--help" -> {
                    System.out.println("options: [--interactive] [--replicas N] [--pages N] "
                            + "[--kubeconfig FILE --pod-ip-prefix 10.244.0.]");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        LocalCluster.Options options = LocalCluster.Options.defaults().withEnv(DEMO_ENV);
        if (kubeconfig != null) {
            options = options.withRealApi(kubeconfig, podIpPrefix);
        }
        long start = System.nanoTime();
        int status = run(options, replicas, pageCount, interactive);
        // The JVM exits here, so Maven prints no result of its own after exec:java: this is the last line.
        String what = interactive ? "the interactive demo ended"
                : status == 0 ? "the demo ran as expected" : "the demo did not run as expected (see above)";
        System.out.printf("RESULT: %s, %s in %d s%n", status == 0 ? "OK" : "FAILED", what,
                java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        System.exit(status);
    }

    static int run(int replicas, int pageCount, boolean interactive) throws Exception {
        return run(LocalCluster.Options.defaults().withEnv(DEMO_ENV), replicas, pageCount, interactive);
    }

    static int run(LocalCluster.Options options, int replicas, int pageCount, boolean interactive)
            throws Exception {
        Timeline timeline = new Timeline(System.out);
        List<DemoPage> pages = new ArrayList<>();
        // Shorter election timings than the defaults (15s/10s/2s) so a crashed leader is replaced in seconds.
        LocalCluster cluster = new LocalCluster(options, timeline);
        Thread cleanup = new Thread(() -> close(cluster, pages, timeline), "local-cluster-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            timeline.accept((cluster.api().real() ? "Kubernetes API at " : "embedded Kubernetes API at ") + cluster.api().url() + " (kubeconfig "
                    + cluster.api().kubeconfig() + ")");
            timeline.accept("the Service (kube-proxy stand-in): " + cluster.serviceUrl() + "/ ; election timings "
                    + "lease 5s, renew deadline 3s, retry 1s");
            timeline.watch(cluster, () -> pages.isEmpty() ? null
                    : pages.stream().filter(p -> p.prompts() > 0).count() + "/" + pages.size()
                            + " pages prompted, " + pages.stream().mapToInt(DemoPage::prompts).sum()
                            + " prompts in all");
            boolean chromium = ChromiumPage.available();
            DemoScenario.PageFactory factory = () -> chromium ? new ChromiumPage(cluster.serviceUrl() + "/")
                    : new SocketPage(cluster.serviceUrl());
            if (interactive) {
                cluster.deployAndAwaitPublished("1.0.0", replicas, java.time.Duration.ofMinutes(3));
                for (int i = 0; i < pageCount; i++) {
                    DemoPage page = factory.open();
                    pages.add(page);
                    timeline.accept("page " + (i + 1) + " open (" + page.kind() + "), running " + page.version());
                }
                return interactive(cluster, pages, timeline,
                        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
            }
            List<String> failures = new DemoScenario(cluster, pages, timeline).run(replicas, pageCount, factory);
            String kind = chromium ? "pages in headless Chromium"
                    : "simulated pages (no " + Browser.binaries() + ": install Debian's chromium and chromium-driver "
                            + "for real browsers)";
            if (failures.isEmpty()) {
                timeline.accept("scenario finished as expected, " + kind);
                return 0;
            }
            timeline.accept("scenario FAILED, " + kind + ": " + String.join("; ", failures));
            return 1;
        } finally {
            close(cluster, pages, timeline);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private static int interactive(LocalCluster cluster, List<DemoPage> pages, Timeline timeline, BufferedReader in)
            throws Exception {
        for (String help : List.of("commands (type one and press Enter):",
                "  rollout VERSION   rolling update to VERSION (2.0.0 prompts the pages; 1.1.0 is compatible)",
                "  scale N           N replicas",
                "  kill POD          delete a pod (graceful: preStop, SIGTERM)",
                "  kill-leader       SIGKILL the leader (a crash; its Lease is taken over after 5 s)",
                "  status            the pods, the leader, the published version",
                "  pages             each page's version and prompts",
                "  reload            reload every page (they then run the published version)",
                "  quit              stop everything (Ctrl-C does too)")) {
            timeline.accept(help);
        }
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            try {
                switch (words[0]) {
                    case "rollout" -> cluster.rollout(words[1]);
                    case "scale" -> cluster.scale(Integer.parseInt(words[1]));
                    case "kill" -> cluster.deletePod(words[1]);
                    case "kill-leader" -> cluster.crash(cluster.leader()
                            .orElseThrow(() -> new IllegalStateException("no leader right now")));
                    case "status" -> {
                        timeline.accept("cluster: " + Timeline.describe(cluster) + "; leader "
                                + cluster.leader().orElse("(none)") + "; published "
                                + cluster.published().orElse("(nothing)"));
                        cluster.pods().forEach(p -> timeline.accept("  " + p.name() + " " + p.ip() + " "
                                + p.version() + (p.ready() ? " ready" : " not-ready")
                                + (p.terminating() ? " terminating" : "") + " restarts=" + p.restarts()));
                    }
                    case "pages" -> {
                        for (int i = 0; i < pages.size(); i++) {
                            DemoPage page = pages.get(i);
                            timeline.accept("  page " + (i + 1) + " (" + page.kind() + ") running " + page.version()
                                    + (page.connected() ? ", connected" : ", not connected") + ", prompted "
                                    + page.prompts() + " time(s)");
                        }
                    }
                    case "reload" -> {
                        for (DemoPage page : pages) {
                            page.reload();
                        }
                        timeline.accept("pages reloaded");
                    }
                    case "quit", "exit" -> {
                        return 0;
                    }
                    case "" -> {
                    }
                    default -> timeline.accept("unknown command: " + words[0]);
                }
            } catch (RuntimeException e) {
                timeline.accept("error: " + e.getMessage());
            }
        }
        return 0;
    }

    private static synchronized void close(LocalCluster cluster, List<DemoPage> pages, Timeline timeline) {
        timeline.close();
        for (DemoPage page : pages) {
            try {
                page.close();
            } catch (Exception e) {
                // best effort on the way out
            }
        }
        pages.clear();
        try {
            cluster.close();
        } catch (Exception e) {
            System.err.println("cleanup: " + e);
        }
    }
}

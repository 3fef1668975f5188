package dev.versionobserver.bench;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import org.awaitility.core.ConditionTimeoutException;

import dev.versionobserver.localcluster.EmbeddedApiServer;
import dev.versionobserver.localcluster.LocalCluster.PodInfo;
import dev.versionobserver.localcluster.LocalCluster;
import dev.versionobserver.localcluster.NginxIngress;
import dev.versionobserver.publication.LeasePublicationStore;
import dev.versionobserver.support.FakeCluster;
import dev.versionobserver.support.AppBuild;
import dev.versionobserver.support.ImageDeployment;
import dev.versionobserver.support.Jcmd;
import dev.versionobserver.support.ServiceProcess;
import dev.versionobserver.support.VertxSockets;
import dev.versionobserver.support.StandInPeer;
import dev.versionobserver.support.WsClient;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * {@code ./mvnw -B -Pbench -DskipTests package} (add {@code -Dbench.args=--quick} for a subset): measures what
 * users care about and prints it; figures land in target/benchmarks.txt. Traffic goes to loopback only, every
 * load loop is bounded in count and time. Nothing here fails on timing.
 */
public final class Benchmarks {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final Map<String, String> FAST_ELECTION = Map.of("OBSERVER_LEADER_LEASE_DURATION", "5s",
            "OBSERVER_LEADER_RENEW_DEADLINE", "3s", "OBSERVER_LEADER_RETRY_PERIOD", "1s",
            "OBSERVER_PUSH_MAX_CONNECTIONS", "100000", "OBSERVER_PUSH_MAX_CONNECTIONS_PER_ADDRESS", "100000");

    private final List<String> report = new ArrayList<>();
    private final Vertx vertx = Vertx.vertx();

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick") || List.of(args).contains("quick");
        boolean onlyFailover = List.of(args).contains("failover");
        boolean onlyAbuse = List.of(args).contains("abuse");
        boolean onlyHandover = List.of(args).contains("handover");
        boolean onlyIngress = List.of(args).contains("ingress");
        boolean onlyLatency = List.of(args).contains("latency");
        // Section 4 alone, at -Dbench.sockets (10 000), side by side with the naive baselines, -Dbench.rollouts (3)
        // runs each.
        boolean onlyCapacity = List.of(args).contains("capacity");
        // Section 4c alone: fan-out at 300, 3 000 and 10 000 sockets side by side with the naive baselines.
        boolean onlyFanOut = List.of(args).contains("fanout");
        // Section 1 at 30 000 sockets (-Dbench.sockets) over 3 pods, from 3 client processes.
        boolean onlySpread = List.of(args).contains("spread");
        // Section 4d: a pod with -Dbench.sockets (10 000) sockets deleted, next to the baselines' accept time.
        boolean onlyStorm = List.of(args).contains("storm");
        // Section 6b: start-up with the image's flags, side by side with the baselines (-Dbench.extraJars adds more).
        boolean onlyStartup = List.of(args).contains("startup");
        // Section 6d: a cluster pod's start to ready against the embedded API server (-Dbench.extraJars adds more).
        boolean onlyClusterStartup = List.of(args).contains("cluster-startup");
        // Section 2-3b: a rolling update of -Dbench.pods (1 000) stand-ins in both discovery modes.
        boolean onlyLarge = List.of(args).contains("large");
        Benchmarks bench = new Benchmarks();
        try {
            bench.line("# Version Observer benchmarks (" + (quick ? "quick" : "full") + "), "
                    + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.version"));
            if (onlyHandover) {
                bench.handover(Integer.getInteger("bench.rollouts", 20));
            }
            if (onlyLatency) {
                for (int run = 0; run < Integer.getInteger("bench.rollouts", 3); run++) {
                    bench.notificationLatency(3000, false);
                    bench.notificationLatency(3000, true);
                }
            }
            if (onlyIngress) {
                bench.ingressFanOut(3000, Integer.getInteger("bench.rollouts", 3));
            }
            if (onlyCapacity) {
                bench.idleCapacitySideBySide(Integer.getInteger("bench.sockets", 10_000),
                        Integer.getInteger("bench.rollouts", 3));
            }
            if (onlyFanOut) {
                // -Dbench.ks=10000 and -Dbench.stacks=product narrow it down (profiling one point).
                bench.fanOutSideBySide(java.util.Arrays.stream(System.getProperty("bench.ks", "300,3000,10000")
                        .split(",")).mapToInt(Integer::parseInt).toArray(), Integer.getInteger("bench.rollouts", 3));
            }
            if (onlySpread) {
                for (int run = 0; run < Integer.getInteger("bench.rollouts", 3); run++) {
                    bench.notificationLatencySpread(Integer.getInteger("bench.sockets", 30_000), 3);
                }
            }
            if (onlyStorm) {
                bench.storm(Integer.getInteger("bench.sockets", 10_000), Integer.getInteger("bench.rollouts", 3));
            }
            if (onlyStartup) {
                bench.startupSideBySide(Integer.getInteger("bench.rollouts", 5));
            }
            if (onlyClusterStartup) {
                bench.clusterStartup(Integer.getInteger("bench.rollouts", 5));
            }
            if (onlyLarge) {
                for (String discovery : System.getProperty("bench.discovery", "endpoint-slices,endpoints").split(",")) {
                    bench.largeRollout(Integer.getInteger("bench.pods", 1000), discovery);
                }
            }
            boolean all = !onlyFailover && !onlyAbuse && !onlyHandover && !onlyIngress && !onlyLatency
                    && !onlyCapacity && !onlyFanOut && !onlySpread && !onlyStorm && !onlyStartup && !onlyLarge;
            if (all) {
                bench.ingressFanOut(quick ? 300 : 3000, quick ? 1 : 3);
            }
            if (all) {
                bench.startup(quick ? 3 : 5);
                for (int n : quick ? new int[] { 3, 10, 30 } : new int[] { 3, 10, 30, 100 }) {
                    bench.rolloutCost(n);
                }
                // 30 000 sockets do not fit this machine: the hard open-file limit is 20 000 per process, and all
                // client sockets live in this one JVM. 18 000 is the largest K that leaves room for its other files.
                for (int k : quick ? new int[] { 300, 3000 } : new int[] { 300, 3000, 18000 }) {
                    bench.notificationLatency(k);
                }
                // 20 000 likewise exceeds the per-process limit on both ends; 18 000 is the nearest that fits.
                for (int n : quick ? new int[] { 2000 } : new int[] { 10000, 18000 }) {
                    bench.idleCapacity(n);
                }
            }
            if (all || onlyFailover) {
                bench.failover();
                bench.handover(quick ? 5 : 20);
            }
            if (all || onlyAbuse) {
                bench.abusiveClients(quick ? 2 : 10, quick ? 100 : 300);
            }
        } finally {
            bench.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Files.write(Path.of("target", "benchmarks.txt"), bench.report);
        }
        System.exit(0);
    }

    private void line(String text) {
        System.out.println(text);
        report.add(text);
    }

    /** Raw samples of a section: target/bench-{name}.csv, header first; rows accumulate over the run. */
    private final java.util.Set<String> csvsStarted = new java.util.HashSet<>();

    /** Appends one row (the file is started afresh, with its header, at a section's first row of the run). */
    private void csv(String name, String header, String row) throws java.io.IOException {
        Path file = Path.of("target", "bench-" + name + ".csv");
        if (csvsStarted.add(name)) {
            Files.write(file, List.of(header, row));
        } else {
            Files.write(file, List.of(row), java.nio.file.StandardOpenOption.APPEND);
        }
    }

    private static String stats(List<Double> values, String unit) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return "(no samples)";
        }
        return String.format("min %.1f, median %.1f, max %.1f %s (n=%d)", sorted.get(0), sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() - 1), unit, sorted.size());
    }

    private static double percentile(List<Double> sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static long rssKb(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }

    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
    }

    private static double heapUsedMb(String baseUrl) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String l : metrics.lines().toList()) {
            if (l.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
                sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return sum / (1024 * 1024);
    }

    private static void gc(long pid) throws Exception {
        Jcmd.run(pid, "GC.run");
    }

    // ---- 6. start-up ---------------------------------------------------------------------------------------

    /**
     * Start-up with the image's JVM flags, the product (standalone) and the naive baselines interleaved, {@code runs}
     * times each: JVM start to /q/health/ready = 200, and RSS right then. Every stack runs twice a round, as the
     * image runs it (with the class archive Dockerfile.jvm's RUN line trains, in a copy of the image's layout) and
     * without the archive (the figure of sessions 8-12). {@code extraJars} (name=path) adds other builds to the
     * rotation (e.g. a baseline with one more extension, to see what that extension costs).
     */
    void startupSideBySide(int runs) throws Exception {
        timeStarts("6b. Start-up side by side (image flags)", "startup-side-by-side",
                imageStacks(withExtraJars(stacksSideBySide())), runs, StartScene.STANDALONE);
    }

    /**
     * Section 6d: a cluster pod's JVM start to /q/health/ready = 200 (model warmed, informers listed from the
     * embedded API server), the image's flags with and without its class archive, the product and any {@code
     * -Dbench.extraJars} (e.g. a previous build) interleaved, {@code runs} rounds. Each start is a new pod of the
     * same Deployment (its own name, registered before it starts, removed after), so the Lease, the Endpoints and the
     * API server are as warm for every stack.
     */
    void clusterStartup(int runs) throws Exception {
        Map<String, Path> jars = new LinkedHashMap<>(Map.of("product", ServiceProcess.JAR));
        String ns = "startup";
        try (EmbeddedApiServer api = new EmbeddedApiServer(ns); KubernetesClient client = api.client()) {
            FakeCluster cluster = new FakeCluster(client, ns, "version-observer", "version-observer");
            AtomicInteger pods = new AtomicInteger();
            timeStarts("6d. A cluster pod's start (image flags, embedded API)", "cluster-startup",
                    imageStacks(withExtraJars(jars)), runs, new StartScene() {
                        private String pod;

                        @Override
                        public Map<String, String> enter(int port) {
                            pod = "startup-" + pods.incrementAndGet();
                            cluster.addPod(pod, "127.0.0.1", port);
                            cluster.setReady(pod, true);
                            return Map.of("POD_NAME", pod, "POD_NAMESPACE", ns, "KUBECONFIG",
                                    api.kubeconfig().toString());
                        }

                        @Override
                        public void leave() {
                            cluster.remove(pod);
                        }
                    });
        }
    }

    /** Where each start of {@link #timeStarts} runs: its environment, and what to undo after it. */
    private interface StartScene {
        /** A standalone start: no environment, nothing to undo. */
        StartScene STANDALONE = new StartScene() {
        };

        default Map<String, String> enter(int port) {
            return Map.of();
        }

        default void leave() {
        }
    }

    /** {@code jars} and the builds {@code -Dbench.extraJars} (name=path,...) adds to the rotation. */
    private static Map<String, Path> withExtraJars(Map<String, Path> jars) {
        for (String extra : System.getProperty("bench.extraJars", "").split(",")) {
            if (!extra.isBlank()) {
                jars.put(extra.substring(0, extra.indexOf('=')), Path.of(extra.substring(extra.indexOf('=') + 1)));
            }
        }
        return jars;
    }

    /**
     * Every jar twice: as the image runs it (its flags and the class archive Dockerfile.jvm's RUN line trains, in a
     * copy of the image's layout), and with the flags but no archive (the figure of sessions 8-12).
     */
    private static Map<String, StartupStack> imageStacks(Map<String, Path> jars) throws Exception {
        Map<String, StartupStack> stacks = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            stacks.put(jar.getKey(), new StartupStack(jar.getValue(), ImageDeployment.JVM_FLAGS));
            Path root = Files.createTempDirectory(Path.of("target"),
                    "bench-image-" + jar.getKey().replaceAll("\\W+", "-"));
            ImageDeployment image = ImageDeployment.of(jar.getValue(), root);
            stacks.put(jar.getKey() + ", class archive", new StartupStack(image.jar(), image.flags()));
        }
        return stacks;
    }

    /**
     * JVM start to /q/health/ready = 200, and RSS right then, of every stack, rotated each round, after the warm-up
     * rounds; a line per stack under {@code section}, rows in {@code bench-<csvName>.csv}.
     */
    private void timeStarts(String section, String csvName, Map<String, StartupStack> stacks, int runs,
            StartScene scene) throws Exception {
        Map<String, List<Double>> millis = new java.util.LinkedHashMap<>();
        Map<String, List<Double>> rss = new java.util.LinkedHashMap<>();
        for (int run = 1 - warmups(); run <= runs; run++) {
            for (Map.Entry<String, StartupStack> stack : inTurn(stacks, run)) {
                int port = ServiceProcess.freePort();
                Map<String, String> env = scene.enter(port);
                long started = System.nanoTime();
                try (ServiceProcess p = ServiceProcess.start(stack.getValue().jar(), "127.0.0.1", port, env,
                        stack.getValue().flags())) {
                    await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                            .until(() -> p.httpStatus("/q/health/ready") == 200);
                    double ms = (System.nanoTime() - started) / 1e6;
                    double mib = rssKb(p.pid()) / 1024.0;
                    figure(millis, stack.getKey(), run).add(ms);
                    figure(rss, stack.getKey(), run).add(mib);
                    csv(csvName, "run,stack,ready_ms,rss_mib", String.format("%d,%s,%.0f,%.1f", run,
                            stack.getKey().replace(',', ';'), ms, mib));
                } finally {
                    scene.leave();
                }
            }
        }
        for (String stack : millis.keySet()) {
            line(String.format("## %s, %s: ready in %s; RSS %s", section, stack, stats(millis.get(stack), "ms"),
                    stats(rss.get(stack), "MiB")));
        }
    }

    /** One stack of the start-up rotation: its fast-jar and the JVM flags it starts with. */
    private record StartupStack(Path jar, List<String> flags) {
    }

    void startup(int runs) throws Exception {
        for (boolean image : new boolean[] { false, true }) {
            List<Double> millis = new ArrayList<>();
            List<Double> rss = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                int port = ServiceProcess.freePort();
                long started = System.nanoTime();
                try (ServiceProcess p = image
                        ? ServiceProcess.start("127.0.0.1", port, ServiceProcess.env(), ImageDeployment.JVM_FLAGS)
                        : ServiceProcess.start("127.0.0.1", port, ServiceProcess.env())) {
                    await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                            .until(() -> p.httpStatus("/q/health/ready") == 200);
                    millis.add((System.nanoTime() - started) / 1e6);
                    rss.add(rssKb(p.pid()) / 1024.0);
                    csv("startup", "flags,run,ready_ms,rss_mib", String.format("%s,%d,%.0f,%.1f",
                            image ? "image" : "harness", i + 1, millis.get(i), rss.get(i)));
                }
            }
            line("## 6. Start-up (JVM process start to /q/health/ready = 200; " + (image
                    ? "the image's flags but its class archive (6b): " + String.join(" ", ImageDeployment.JVM_FLAGS)
                    : "-Xmx128m, SerialGC, C1 only as the harness runs it") + ")");
            line("start to ready: " + stats(millis, "ms"));
            line("RSS right after ready: " + stats(rss, "MiB"));
        }
    }

    // ---- 2 & 3. cost of a rolling update, against the original design ------------------------------------

    void rolloutCost(int n) throws Exception {
        String ns = "bench";
        try (EmbeddedApiServer api = new EmbeddedApiServer(ns)) {
            KubernetesClient client = api.client();
            FakeCluster cluster = new FakeCluster(client, ns, "version-observer", "version-observer");
            int port = ServiceProcess.freePort();
            Map<String, String> env = new HashMap<>(FAST_ELECTION);
            env.putAll(Map.of("POD_NAME", "monitor", "POD_NAMESPACE", ns, "KUBECONFIG", api.kubeconfig().toString(),
                    "QUARKUS_LOG_CATEGORY__DEV_VERSIONOBSERVER_PUBLICATION__LEVEL", "DEBUG"));
            List<StandInPeer> old = new ArrayList<>();
            List<StandInPeer> fresh = new ArrayList<>();
            int ip = 2;
            try (ServiceProcess leader = ServiceProcess.start("127.0.0.1", port, env).awaitReady(WAIT)) {
                for (int i = 0; i < n; i++) {
                    StandInPeer p = StandInPeer.start(vertx, "127.0.0." + ip++, "1.0.0");
                    old.add(p);
                    cluster.addPod("old-" + i, p.ip(), p.port());
                    cluster.setReady("old-" + i, true);
                }
                await().atMost(WAIT).until(() -> "1.0.0".equals(published(client, ns)));
                int before = old.stream().mapToInt(StandInPeer::requests).sum();
                // Rolling update with Kubernetes' defaults: maxSurge 25 % (rounded up), maxUnavailable 25 % (down).
                int surge = Math.max(1, (int) Math.ceil(n * 0.25));
                List<List<StandInPeer>> servingAtEvent = new ArrayList<>();
                List<StandInPeer> serving = new ArrayList<>(old);
                int created = 0;
                int removed = 0;
                long convergedAt = 0;
                while (removed < n) {
                    int batch = Math.min(surge, n - created);
                    for (int b = 0; b < batch; b++) {
                        StandInPeer p = StandInPeer.start(vertx, "127.0.0." + ip++, "2.0.0");
                        fresh.add(p);
                        cluster.addPod("new-" + created, p.ip(), p.port());
                        servingAtEvent.add(List.copyOf(serving));
                        cluster.setReady("new-" + created, true);
                        serving.add(p);
                        created++;
                        servingAtEvent.add(List.copyOf(serving));
                    }
                    int down = Math.min(Math.max(batch, 1), n - removed);
                    for (int d = 0; d < down; d++) {
                        if (removed == n - 1) {
                            convergedAt = System.nanoTime();
                        }
                        cluster.beginTermination("old-" + removed);
                        serving.remove(old.get(removed));
                        cluster.remove("old-" + removed);
                        removed++;
                        servingAtEvent.add(List.copyOf(serving));
                    }
                }
                long converged = convergedAt;
                await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> "2.0.0".equals(published(client, ns)));
                double ourLatency = (System.nanoTime() - converged) / 1e6;
                int requests = old.stream().mapToInt(StandInPeer::requests).sum() - before
                        + fresh.stream().mapToInt(StandInPeer::requests).sum();
                long writes = publicationWrites(leader.output(), "2.0.0");
                // The original design, replayed on the same event sequence against the same stand-ins: on every
                // membership event poll every serving pod; once all agree, wait a fixed 1 s, then publish.
                HttpClient http = HttpClient.newHttpClient();
                int baselineRequests = 0;
                long lastEventPollStart = 0;
                for (List<StandInPeer> atEvent : servingAtEvent) {
                    lastEventPollStart = System.nanoTime();
                    for (StandInPeer p : atEvent) {
                        http.send(HttpRequest.newBuilder(URI.create("http://" + p.ip() + ":" + p.port() + "/version"))
                                .build(), HttpResponse.BodyHandlers.discarding());
                        baselineRequests++;
                    }
                }
                double baselineLatency = (System.nanoTime() - lastEventPollStart) / 1e6 + 1000;
                csv("rollout-cost", "n,surge,requests,publication_writes,original_requests,convergence_to_publication_ms,"
                        + "original_ms", String.format("%d,%d,%d,%d,%d,%.0f,%.0f", n, surge, requests, writes,
                                baselineRequests, ourLatency, baselineLatency));
                line(String.format("## 2-3. Rolling update of N=%d stand-in pods (surge %d): /version requests %d "
                        + "(%.2f per pod; goal <= 2N = %d), Lease writes for the publication %d; original design "
                        + "%d requests (ratio %.1fx); convergence->publication %.0f ms vs original >= %.0f ms (%.0fx)",
                        n, surge, requests, requests / (double) n, 2 * n, writes, baselineRequests,
                        baselineRequests / (double) Math.max(1, requests), ourLatency, baselineLatency,
                        baselineLatency / Math.max(1, ourLatency)));
            } finally {
                closePeers(old, fresh);
                client.close();
            }
        }
    }

    private static String published(KubernetesClient client, String ns) {
        Lease lease = client.leases().inNamespace(ns).withName("version-observer").get();
        return lease == null || lease.getMetadata().getAnnotations() == null ? null
                : lease.getMetadata().getAnnotations().get(LeasePublicationStore.VERSION_ANNOTATION);
    }

    /** Open sockets and what became of them; every text message goes to the given handler. */
    private record SocketLoad(io.vertx.core.http.HttpClient client, List<WebSocket> sockets, AtomicInteger hellos,
            AtomicInteger failed) implements AutoCloseable {
        @Override
        public void close() {
            closeAndAwait(sockets);
            client.close();
        }
    }

    /**
     * Closes the sockets and waits (at most a minute) until each is closed: this JVM may hold at most 20 000 open
     * files, and the next load must not open its K while these still hold theirs (a 10 000-socket fan-out once
     * timed out that way, its handshakes refused for want of descriptors).
     */
    private static void closeAndAwait(List<WebSocket> sockets) {
        sockets.forEach(WebSocket::close);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            synchronized (sockets) {
                return sockets.stream().allMatch(WebSocket::isClosed);
            }
        });
    }

    /**
     * Opens {@code count} sockets to {@code host(i)}:{@code port} as pages of 1.0.0, at most 200 handshakes in
     * flight, for at most 3 minutes; counts hellos and refusals.
     */
    private SocketLoad openSockets(int count, IntFunction<String> host, int port,
            Consumer<String> onOtherText) throws InterruptedException {
        io.vertx.core.http.HttpClient ws = vertx.createHttpClient(new HttpClientOptions()
                .setMaxWebSockets(count + 10).setConnectTimeout(10_000));
        SocketLoad load = new SocketLoad(ws, Collections.synchronizedList(new ArrayList<>()), new AtomicInteger(),
                new AtomicInteger());
        Semaphore inFlight = new Semaphore(200);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
            inFlight.acquire();
            // Bounded handshakes: one that never completes counts as failed instead of holding the run. Handlers set
            // before the hello can be read (VertxSockets).
            VertxSockets.connect(vertx, ws, new WebSocketConnectOptions().setPort(port).setHost(host.apply(i))
                    .setURI("/version/ws?v=1.0.0").setTimeout(15_000), socket -> {
                        load.sockets().add(socket);
                        socket.textMessageHandler(text -> {
                            if (text.contains("\"hello\"")) {
                                load.hellos().incrementAndGet();
                            } else {
                                onOtherText.accept(text);
                            }
                        });
                    }).onComplete(r -> {
                        inFlight.release();
                        if (r.failed()) {
                            load.failed().incrementAndGet();
                        }
                    });
        }
        return load;
    }

    // ---- 1. notification latency ---------------------------------------------------------------------------

    void notificationLatency(int k) throws Exception {
        notificationLatency(k, false);
    }

    /**
     * Three pods of 1.0.0, published; then a rollout to 2.0.0 held before any old pod leaves (maxSurge 100 %): returns
     * the three new pods once ready. Releasing the hold ({@code holdScaleDown(false)}) is the convergence.
     */
    private static List<PodInfo> heldRollout(LocalCluster cluster) {
        cluster.deployAndAwaitPublished("1.0.0", 3, WAIT);
        cluster.holdScaleDown(true);
        cluster.rollout("2.0.0");
        await().atMost(WAIT).until(() -> cluster.pods().stream()
                .filter(p -> p.version().equals("2.0.0") && p.ready()).count() == 3);
        return cluster.pods().stream().filter(p -> p.version().equals("2.0.0")).toList();
    }

    /**
     * With {@code newLeaderFirst}, old leaders are deleted (at most two) until a new pod leads before the hold is
     * released, so convergence involves no handover: the fan-out path alone.
     */
    void notificationLatency(int k, boolean newLeaderFirst) throws Exception {
        System.setProperty("vo.heap", "512m");
        try (LocalCluster cluster = new LocalCluster(LocalCluster.Options.defaults().withRollout(1.0, 0.0)
                .withEnv(FAST_ELECTION), line -> { })) {
            List<PodInfo> targets = heldRollout(cluster);
            ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
            SocketLoad load = openSockets(k, i -> targets.get(i % targets.size()).ip(), cluster.port(), text -> {
                if (text.contains("\"new_version\"")) {
                    arrivals.add(System.nanoTime());
                }
            });
            AtomicInteger hellos = load.hellos();
            AtomicInteger failed = load.failed();
            await().atMost(WAIT).until(() -> hellos.get() + failed.get() >= k);
            java.util.Set<String> newPods = new java.util.HashSet<>(targets.stream().map(PodInfo::name).toList());
            for (int deleted = 0; newLeaderFirst && deleted < 2; deleted++) {
                String leader = cluster.leader().orElse("");
                if (newPods.contains(leader)) {
                    break;
                }
                cluster.deletePod(leader);
                await().atMost(WAIT).until(() -> cluster.leader().filter(l -> !l.equals(leader)).isPresent());
            }
            String leaderAtConvergence = cluster.leader().map(l -> newPods.contains(l) ? "new pod" : "old pod")
                    .orElse("none");
            cluster.holdScaleDown(false);
            await().atMost(WAIT).until(() -> cluster.lastOldPodLeftNanos() > 0);
            long converged = cluster.lastOldPodLeftNanos();
            await().atMost(Duration.ofSeconds(60)).until(() -> arrivals.size() >= hellos.get());
            List<Double> latencies = new ArrayList<>(arrivals.stream().map(t -> (t - converged) / 1e6).toList());
            Collections.sort(latencies);
            for (double ms : latencies) {
                csv("notification", "k,leader_at_convergence,told_ms", String.format("%d,%s,%.1f", k,
                        leaderAtConvergence, ms));
            }
            line(String.format("## 1. Notification latency, K=%d sockets over 3 pods, leader at convergence: "
                    + leaderAtConvergence + " (%d connected, %d refused): "
                    + "convergence (last old pod leaves the Endpoints) -> new_version at the client: p50 %.0f ms, "
                    + "p95 %.0f ms, p99 %.0f ms, max %.0f ms (goal p99 <= %s)", k, hellos.get(), failed.get(),
                    percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99),
                    latencies.get(latencies.size() - 1), k <= 3000 ? "250 ms" : "1 s"));
            load.close();
        } finally {
            System.clearProperty("vo.heap");
        }
    }

    /**
     * Section 1 at a K one process cannot hold (30 000: the open-file limit is 20 000 per process): the same
     * rollout, with the pages in {@code processes} client processes ({@link SocketClients}), each from its own
     * 127.0.1.x address. Arrival times are System.nanoTime() in each process: CLOCK_MONOTONIC, one clock per host.
     */
    void notificationLatencySpread(int k, int processes) throws Exception {
        System.setProperty("vo.heap", "512m");
        try (LocalCluster cluster = new LocalCluster(LocalCluster.Options.defaults().withRollout(1.0, 0.0)
                .withEnv(FAST_ELECTION), line -> { }); StallProbe stalls = stallProbe(cluster)) {
            String hosts = String.join(",", heldRollout(cluster).stream().map(PodInfo::ip).toList());
            List<ClientProcess> clients = new ArrayList<>();
            try {
                for (int i = 0; i < processes; i++) {
                    clients.add(ClientProcess.start(hosts, cluster.port(), k / processes, "127.0.1." + (i + 1),
                            Path.of("target", "bench-clients-" + i + ".txt")));
                }
                int greeted = 0;
                int refused = 0;
                for (ClientProcess client : clients) {
                    String[] ready = client.awaitLine("READY", WAIT).split(" ");
                    greeted += Integer.parseInt(ready[1]);
                    refused += Integer.parseInt(ready[2]);
                }
                cluster.holdScaleDown(false);
                await().atMost(WAIT).until(() -> cluster.lastOldPodLeftNanos() > 0);
                long converged = cluster.lastOldPodLeftNanos();
                List<Long> arrivals = new ArrayList<>();
                for (ClientProcess client : clients) {
                    client.awaitLine("DONE", Duration.ofMinutes(4));
                    Files.readAllLines(client.out()).forEach(line -> arrivals.add(Long.parseLong(line)));
                }
                List<Double> ms = sortedMillisSince(converged, arrivals);
                for (double v : ms) {
                    csv("notification-spread", "k,processes,told_ms", String.format("%d,%d,%.1f", k, processes, v));
                }
                line(String.format("## 1. Notification latency, K=%d sockets over 3 pods from %d client processes "
                        + "(%d greeted, %d refused, %d told): convergence -> new_version: p50 %.0f ms, p95 %.0f ms, "
                        + "p99 %.0f ms, max %.0f ms (goal p99 <= 1 s)", k, processes, greeted, refused, ms.size(),
                        percentile(ms, 50), percentile(ms, 95), percentile(ms, 99), ms.get(ms.size() - 1)));
                line("## 1. K=" + k + ": " + stalls.summary());
                line("## 1. K=" + k + ": " + publicationSplit(cluster, converged, arrivals, "2.0.0"));
            } finally {
                for (ClientProcess client : clients) {
                    client.close();
                }
            }
        } finally {
            System.clearProperty("vo.heap");
        }
    }

    /**
     * Where a convergence -> page latency went: to the publication (the leader's poll and Lease write, including
     * any hand-over, as the harness's own Lease watch saw it), then on each pod from the publication to learning it
     * and to the end of its send loop (its log lines' wall-clock times), then to the pages.
     */
    private static String publicationSplit(LocalCluster cluster, long converged, List<Long> arrivals, String version) {
        LocalCluster.LeaseEvent publication = cluster.leaseHistory().stream()
                .filter(e -> version.equals(e.published())).findFirst().orElse(null);
        if (publication == null) {
            return "the harness's Lease watch saw no publication of " + version;
        }
        long holders = cluster.leaseHistory().stream().map(LocalCluster.LeaseEvent::holder).filter(h -> !h.isEmpty())
                .distinct().count();
        // The pods log local wall-clock times (HH:mm:ss.SSS); the Lease event has this JVM's nanoTime.
        java.time.LocalTime publishedAt = java.time.LocalTime.now()
                .minusNanos(System.nanoTime() - publication.nanos());
        StringBuilder pods = new StringBuilder();
        for (PodInfo pod : cluster.pods()) {
            if (pod.version().equals(version)) {
                String log = cluster.log(pod.name());
                pods.append(String.format("; %s learned +%s ms, sent +%s ms", pod.name(),
                        logLineAfter(log, "Published version changed from", publishedAt),
                        logLineAfter(log, "Pushed new version " + version, publishedAt)));
            }
        }
        List<Double> fromPublication = sortedMillisSince(publication.nanos(), arrivals);
        return String.format("convergence -> Lease published %.0f ms (by %s; %d leaders in the run); publication -> "
                + "new_version: p50 %.0f ms, p99 %.0f ms, max %.0f ms%s", (publication.nanos() - converged) / 1e6,
                publication.holder(), holders, percentile(fromPublication, 50), percentile(fromPublication, 99),
                fromPublication.get(fromPublication.size() - 1), pods);
    }

    /** Milliseconds from {@code since} to the first log line containing {@code text}, or "?" if none. */
    private static String logLineAfter(String log, String text, java.time.LocalTime since) {
        return log.lines().filter(l -> l.contains(text)).findFirst()
                .map(l -> Long.toString(java.time.Duration.between(since,
                        java.time.LocalTime.parse(l.substring(0, l.indexOf(' ')))).toMillis()))
                .orElse("?");
    }

    /** A {@link SocketClients} process, started with this JVM's class path, and its output lines. */
    private record ClientProcess(Process process, Path out, java.util.concurrent.BlockingQueue<String> lines)
            implements AutoCloseable {

        static ClientProcess start(String hosts, int port, int count, String local, Path out) throws Exception {
            String classPath = classPath();
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                    SocketClients.class.getName(), hosts, Integer.toString(port), Integer.toString(count), local,
                    out.toString()).redirectErrorStream(true).start();
            java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> new java.io.BufferedReader(new java.io.InputStreamReader(
                    process.getInputStream())).lines().forEach(lines::add), "clients-" + local);
            reader.setDaemon(true);
            reader.start();
            return new ClientProcess(process, out, lines);
        }

        /** The first output line starting with {@code prefix}; other lines are skipped (logging). */
        String awaitLine(String prefix, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
                        TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new IllegalStateException("client process said no " + prefix + " within " + within);
        }

        /** The class path this benchmark runs with (exec:java's class loader, or the JVM's own). */
        private static String classPath() {
            if (Benchmarks.class.getClassLoader() instanceof java.net.URLClassLoader urls) {
                List<String> entries = new ArrayList<>();
                for (java.net.URL url : urls.getURLs()) {
                    try {
                        entries.add(Path.of(url.toURI()).toString());
                    } catch (java.net.URISyntaxException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return String.join(java.io.File.pathSeparator, entries);
            }
            return System.getProperty("java.class.path");
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    // ---- 4d. a deleted pod's sockets move: the storm --------------------------------------------------------

    /**
     * A pod holding K sockets is deleted; each of its pages reconnects as client.js does after a 1001 (after a
     * uniform 0-500 ms delay, the first backoff step with full jitter) to one of the two other pods, as the
     * Service would spread them. Measured: from the first close to the last page greeted again. Next to it, in the
     * same run with the same client, how long each naive baseline takes to accept K sockets (200 handshakes in
     * flight), the product's own accept time for the K sockets on one pod, and the product pods' longest stall seen
     * from outside (a probe socket on each ready pod, pinged every 100 ms).
     */
    void storm(int k, int runs) throws Exception {
        Map<String, Path> stacks = stacksSideBySide();
        if (List.of(System.getProperty("bench.stacks", "").split(",")).contains("product standalone")) {
            // The product's jar in the naive storm's set-up (three standalone processes, SIGTERM): the socket
            // close and accept paths without the cluster machinery (API, informers, election, preStop).
            stacks.put("product standalone", ServiceProcess.JAR);
        }
        Map<String, List<Double>> seconds = new TreeMap<>();
        Map<String, List<Double>> stallMs = new TreeMap<>();
        for (int run = 1 - warmups(); run <= runs; run++) {
            for (Map.Entry<String, Path> stack : inTurn(stacks, run)) {
                if (stack.getKey().equals("product")) {
                    // Both roles every round: a leading victim also hands the Lease over during the storm (session
                    // 11, median of 3: 3.4 s leading, 3.5 s following; no cost seen).
                    for (boolean leads : new boolean[] { false, true }) {
                        String role = leads ? "victim leads" : "victim follows";
                        StormRun storm = productStorm(k, leads);
                        figure(seconds, "product: accept K on one pod", run).add(storm.acceptSeconds());
                        figure(stallMs, "product (" + role + ")", run).add(storm.stallMs());
                        figure(seconds, "product (" + role + "): storm, first close -> all greeted again", run)
                                .add(storm.stormSeconds());
                        csv("storm", "run,stack,what,seconds", String.format("%d,product,accept,%.2f", run,
                                storm.acceptSeconds()));
                        csv("storm", "run,stack,what,seconds", String.format("%d,product (%s),storm,%.2f", run,
                                role, storm.stormSeconds()));
                        line(String.format("   %s, product (%s): K=%d accepted in %.2f s; storm moved them in %.2f s",
                                round(run), role, k, storm.acceptSeconds(), storm.stormSeconds()));
                    }
                } else {
                    // A standalone product has no POST /broadcast to time an accept alone with.
                    String alone = "";
                    if (!stack.getKey().equals("product standalone")) {
                        double accept = naiveFanOut(stack.getValue(), k).acceptSeconds();
                        figure(seconds, stack.getKey() + ": accept K", run).add(accept);
                        csv("storm", "run,stack,what,seconds", String.format("%d,%s,accept,%.2f", run,
                                stack.getKey(), accept));
                        alone = String.format("%.2f s (alone), ", accept);
                    }
                    StormRun storm = naiveStorm(stack.getValue(), k);
                    figure(seconds, stack.getKey() + ": storm, first close -> all greeted again", run)
                            .add(storm.stormSeconds());
                    csv("storm", "run,stack,what,seconds", String.format("%d,%s,storm,%.2f", run, stack.getKey(),
                            storm.stormSeconds()));
                    line(String.format("   %s, %s: K=%d accepted in %s%.2f s (one of three); storm moved them in"
                            + " %.2f s", round(run), stack.getKey(), k, alone, storm.acceptSeconds(),
                            storm.stormSeconds()));
                }
            }
        }
        for (Map.Entry<String, List<Double>> figure : seconds.entrySet()) {
            line(String.format("## 4d. K=%d, %s: %s", k, figure.getKey(), stats(figure.getValue(), "s")));
        }
        for (Map.Entry<String, List<Double>> figure : stallMs.entrySet()) {
            line(String.format("## 4d. K=%d, %s: longest event-loop stall seen from outside (ping round-trip every"
                    + " 100 ms on each ready pod, accept to storm's end): %s", k, figure.getKey(),
                    stats(figure.getValue(), "ms")));
        }
    }

    /** Prints the lines of a pod's log that contain any of {@code markers}, each prefixed with {@code label}. */
    private void podLines(LocalCluster cluster, String pod, String label, String... markers) {
        cluster.log(pod).lines().filter(l -> java.util.Arrays.stream(markers).anyMatch(l::contains))
                .forEach(l -> line("   " + label + ": " + l.strip()));
    }

    /** One storm: accepting K on the victim, moving them, and the product pods' longest stall (NaN: not probed). */
    private record StormRun(double acceptSeconds, double stormSeconds, double stallMs) {

        StormRun withStall(double ms) {
            return new StormRun(acceptSeconds, stormSeconds, ms);
        }
    }

    /** Where a storm's pages go: one server (a pod's IP and the shared port, or a baseline's own port). */
    private record Target(String host, int port) {
    }

    /** Something that kills the server holding the pages (a pod deletion, a SIGTERM). */
    @FunctionalInterface
    private interface Kill {
        void run() throws Exception;
    }

    /**
     * The product's storm: three pods; the pages on one (the Lease holder or not, as {@code victimLeads} says), which
     * the Deployment scales down as a rollout step does.
     */
    private StormRun productStorm(int k, boolean victimLeads) throws Exception {
        System.setProperty("vo.heap", "256m");
        Map<String, String> env = podEnv();
        try (LocalCluster cluster = new LocalCluster(LocalCluster.Options.defaults().withEnv(env), line -> { })) {
            cluster.deployAndAwaitPublished("1.0.0", 3, WAIT);
            String holder = cluster.leaseHistory().stream().map(LocalCluster.LeaseEvent::holder)
                    .filter(h -> !h.isEmpty()).reduce((first, second) -> second).orElseThrow();
            List<PodInfo> pods = new ArrayList<>(cluster.pods());
            PodInfo victim = pods.stream().filter(p -> p.name().equals(holder) == victimLeads).findFirst()
                    .orElseThrow();
            pods.remove(victim);
            // The victim leaves as a rollout step's old pod does once its replacement is ready: the Deployment
            // scales it down. Deleting it instead would have the Deployment start a replacement JVM on the same two
            // cores in the middle of the storm (measured: storm 6.0 s against 3.7 s for the same jar in the naive
            // storm's set-up); in a rollout the replacement started, and became ready, before.
            cluster.setDeletionCost(victim.name(), -1);
            StormRun storm;
            try (StallProbe stalls = stallProbe(cluster)) {
                storm = storm(k, new Target(victim.ip(), cluster.port()), pods.stream()
                        .map(p -> new Target(p.ip(), cluster.port())).toList(), () -> cluster.scale(2))
                        .withStall(stalls.maxMs());
                line("   " + stalls.summary());
            }
            podLines(cluster, victim.name(), "victim", "leaves the election", "with 1001 (going away)", "stopped in");
            for (PodInfo survivor : pods) {
                podLines(cluster, survivor.name(), "survivor", "Leader election", "Published", "WARN");
            }
            return storm;
        } finally {
            System.clearProperty("vo.heap");
        }
    }

    /**
     * The same storm on a naive baseline: three processes of it, the pages on one, which gets a SIGTERM (as the
     * kubelet sends it). Same client, same reconnect rule, same JVM flags: what the storm costs without the
     * product's machinery.
     */
    private StormRun naiveStorm(Path jar, int k) throws Exception {
        System.setProperty("vo.heap", "256m");
        List<ServiceProcess> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                // The caps matter to the product's jar only (every page comes from 127.0.0.1 here).
                servers.add(ServiceProcess.start(jar, "127.0.0.1", ServiceProcess.freePort(), Map.of(
                        "OBSERVER_PUSH_MAX_CONNECTIONS", "100000", "OBSERVER_PUSH_MAX_CONNECTIONS_PER_ADDRESS",
                        "100000")).awaitReady(WAIT));
            }
            ServiceProcess victim = servers.get(0);
            StormRun storm = storm(k, new Target("127.0.0.1", victim.port()), servers.stream().skip(1)
                    .map(p -> new Target("127.0.0.1", p.port())).toList(), victim::signalTerm);
            // The product's jar says when it handed its closes over and when it stopped (the baselines say nothing).
            victim.output().lines().filter(l -> l.contains("with 1001 (going away)") || l.contains("stopped in"))
                    .forEach(l -> line("   victim: " + l.strip()));
            return storm;
        } finally {
            for (ServiceProcess server : servers) {
                server.close();
            }
            System.clearProperty("vo.heap");
        }
    }

    /**
     * Seconds to accept K sockets on {@code victim} (200 handshakes in flight), and, once {@code kill} has run, from
     * the first close to the last page greeted again by one of {@code others} (page i goes to others[i % n]).
     */
    private StormRun storm(int k, Target victim, List<Target> others, Kill kill) throws Exception {
        io.vertx.core.http.HttpClient ws = vertx.createHttpClient(new HttpClientOptions()
                .setMaxWebSockets(2 * k + 10).setConnectTimeout(10_000));
        AtomicInteger greeted = new AtomicInteger();
        AtomicInteger regreeted = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong firstClose = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong lastRegreet = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong lastClose = new java.util.concurrent.atomic.AtomicLong();
        AtomicInteger retried = new AtomicInteger();
        List<WebSocket> sockets = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean measuring = new java.util.concurrent.atomic.AtomicBoolean(true);
        Semaphore inFlight = new Semaphore(200);
        long opening = System.nanoTime();
        for (int i = 0; i < k; i++) {
            inFlight.acquire();
            Target next = others.get(i % others.size());
            VertxSockets.connect(vertx, ws, new WebSocketConnectOptions().setHost(victim.host())
                    .setPort(victim.port()).setURI("/version/ws?v=1.0.0").setTimeout(15_000), socket -> {
                        sockets.add(socket);
                        socket.textMessageHandler(text -> greeted.incrementAndGet());
                        socket.closeHandler(closed -> {
                            if (!measuring.get()) {
                                return;
                            }
                            firstClose.compareAndSet(0, System.nanoTime());
                            lastClose.set(System.nanoTime());
                            long delay = 1 + java.util.concurrent.ThreadLocalRandom.current().nextLong(500);
                            vertx.setTimer(delay, t -> reconnect(ws, next.host(), next.port(), sockets, regreeted,
                                    lastRegreet, failed, retried, 5));
                        });
                    }).onComplete(r -> {
                        inFlight.release();
                        if (r.failed()) {
                            failed.incrementAndGet();
                        }
                    });
        }
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> greeted.get() + failed.get() >= k);
        double accept = (System.nanoTime() - opening) / 1e9;
        long overflowsBefore = listenOverflows();
        kill.run();
        await().atMost(WAIT).until(() -> regreeted.get() + failed.get() >= k);
        double storm = (lastRegreet.get() - firstClose.get()) / 1e9;
        line(String.format("   storm: %d listen-queue overflows (TcpExtListenOverflows) on the host meanwhile;"
                + " the victim's closes spread over %.2f s; %d handshakes failed and were retried",
                listenOverflows() - overflowsBefore, (lastClose.get() - firstClose.get()) / 1e9, retried.get()));
        measuring.set(false);
        closeAndAwait(sockets); // up to 2K were open here
        ws.close();
        if (failed.get() > 0) {
            line("   (" + failed.get() + " handshakes failed for good)");
        }
        return new StormRun(accept, storm, Double.NaN);
    }

    /** The host's count of connections dropped because a listen queue was full (from /proc/net/netstat). */
    private static long listenOverflows() throws java.io.IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("TcpExt:")) {
                List<String> names = List.of(lines.get(i).split(" "));
                return Long.parseLong(lines.get(i + 1).split(" ")[names.indexOf("ListenOverflows")]);
            }
        }
        return -1;
    }

    /** One reconnect of a page, retried (after 0-1 s) up to {@code attempts} times if the handshake fails. */
    private void reconnect(io.vertx.core.http.HttpClient ws, String host, int port, List<WebSocket> sockets,
            AtomicInteger regreeted, java.util.concurrent.atomic.AtomicLong lastRegreet, AtomicInteger failed,
            AtomicInteger retried, int attempts) {
        ws.webSocket(new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/version/ws?v=1.0.0")
                .setTimeout(15_000)).onComplete(r -> {
                    if (r.failed()) {
                        if (attempts > 1) {
                            retried.incrementAndGet();
                            vertx.setTimer(1 + java.util.concurrent.ThreadLocalRandom.current().nextLong(1000),
                                    t -> reconnect(ws, host, port, sockets, regreeted, lastRegreet, failed,
                                            retried, attempts - 1));
                        } else {
                            failed.incrementAndGet();
                        }
                        return;
                    }
                    sockets.add(r.result());
                    r.result().textMessageHandler(text -> {
                        if (text.contains("\"hello\"")) {
                            lastRegreet.set(System.nanoTime());
                            regreeted.incrementAndGet();
                        }
                    });
                });
    }

    // ---- 2-3b. a rolling update of 1 000 pods ----------------------------------------------------------------

    /**
     * One real leader process and {@code n} stand-in pods (Vert.x servers answering /version, all on one port at
     * addresses 127.1.x.y) in the given discovery mode, registered through FakeCluster as the controllers would
     * (slices of 100 endpoints; Endpoints truncated at 1 000; each rollout step written once). Measured: the
     * leader's API requests per minute at rest, heap after GC, a rolling update (maxSurge 25 %, maxUnavailable 0):
     * /version requests, Lease writes, leader CPU time, convergence -> publication, and the longest event-loop
     * stall seen from outside (StallProbe, a ping every 100 ms).
     */
    void largeRollout(int n, String discovery) throws Exception {
        String ns = "bench";
        System.setProperty("vo.heap", "256m");
        try (EmbeddedApiServer api = new EmbeddedApiServer(ns)) {
            KubernetesClient client = api.client();
            FakeCluster cluster = new FakeCluster(client, ns, "version-observer", "version-observer");
            int port = ServiceProcess.freePort();
            int peerPort = ServiceProcess.freePort();
            Map<String, String> env = new HashMap<>(FAST_ELECTION);
            env.putAll(Map.of("POD_NAME", "monitor", "POD_NAMESPACE", ns, "KUBECONFIG", api.kubeconfig().toString(),
                    "OBSERVER_CLUSTER_DISCOVERY", discovery,
                    "QUARKUS_LOG_CATEGORY__DEV_VERSIONOBSERVER_PUBLICATION__LEVEL", "DEBUG"));
            List<StandInPeer> old = new ArrayList<>();
            List<StandInPeer> fresh = new ArrayList<>();
            try (ServiceProcess leader = ServiceProcess.start("127.0.0.1", port, env).awaitReady(WAIT);
                    StallProbe stalls = new StallProbe(() -> Map.of("leader", leader.socketUri("1.0.0")))) {
                int surge = Math.max(1, (int) Math.ceil(n * 0.25));
                for (int from = 0; from < n; from += surge) {
                    int to = Math.min(n, from + surge);
                    old.addAll(addReadyPeers(cluster, "old-", from, to, 0, peerPort, "1.0.0"));
                }
                await().atMost(WAIT).until(() -> "1.0.0".equals(published(client, ns)));
                // At rest: what the leader asks of the API with nothing happening (the goal: Lease renewals only).
                int restStart = api.requestCount();
                long restNanos = System.nanoTime();
                TimeUnit.SECONDS.sleep(30); // a measurement window at rest, not a wait for anything
                double perMinute = (api.requestCount() - restStart) * 60e9 / (System.nanoTime() - restNanos);
                gc(leader.pid());
                double heapAtRest = heapUsedMb(leader.baseUrl());
                int before = old.stream().mapToInt(StandInPeer::requests).sum();
                long cpuBefore = cpuTicks(leader.pid());
                long converged = 0;
                for (int step = 0; step * surge < n; step++) {
                    int from = step * surge;
                    int to = Math.min(n, from + surge);
                    fresh.addAll(addReadyPeers(cluster, "new-", from, to, n, peerPort, "2.0.0"));
                    cluster.batch(() -> {
                        for (int i = from; i < to; i++) {
                            cluster.beginTermination("old-" + i);
                            cluster.remove("old-" + i);
                        }
                    });
                    converged = System.nanoTime();
                }
                long convergedAt = converged;
                await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                        .until(() -> "2.0.0".equals(published(client, ns)));
                double latency = (System.nanoTime() - convergedAt) / 1e6;
                double cpuSeconds = (cpuTicks(leader.pid()) - cpuBefore) / 100.0;
                int requests = old.stream().mapToInt(StandInPeer::requests).sum() - before
                        + fresh.stream().mapToInt(StandInPeer::requests).sum();
                long writes = publicationWrites(leader.output(), "2.0.0");
                gc(leader.pid());
                double heapAfter = heapUsedMb(leader.baseUrl());
                csv("large-rollout", "n,discovery,api_requests_per_min_at_rest,heap_at_rest_mib,version_requests,"
                        + "publication_writes,leader_cpu_s,convergence_to_publication_ms,heap_after_mib,stall_ms",
                        String.format("%d,%s,%.1f,%.1f,%d,%d,%.1f,%.0f,%.1f,%s", n, discovery, perMinute,
                                heapAtRest, requests, writes, cpuSeconds, latency, heapAfter,
                                String.format("%.0f", stalls.maxMs())));
                line(String.format("## 2-3b. Rolling update of N=%d stand-in pods, %s (surge %d, maxUnavailable 0):"
                        + " leader's API requests at rest %.1f/min; heap after GC %.1f MiB at rest, %.1f MiB after;"
                        + " /version requests %d (%.2f per new pod); Lease writes for the publication %d; leader CPU"
                        + " %.1f s for the rollout; convergence -> publication %.0f ms; %s", n, discovery, surge,
                        perMinute, heapAtRest, heapAfter, requests, requests / (double) n, writes, cpuSeconds,
                        latency, stalls.summary()));
            } finally {
                closePeers(old, fresh);
                client.close();
            }
        } finally {
            System.clearProperty("vo.heap");
        }
    }

    /**
     * Stand-in pods {@code prefix + i} for i in [from, to), at the addresses of index {@code ipOffset + i}, answering
     * {@code version}; registered ready in one write of the discovery objects, as one rollout step.
     */
    private List<StandInPeer> addReadyPeers(FakeCluster cluster, String prefix, int from, int to, int ipOffset,
            int port, String version) throws Exception {
        List<StandInPeer> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            batch.add(StandInPeer.start(vertx, largeClusterIp(ipOffset + i), port, version));
        }
        cluster.batch(() -> {
            for (int i = 0; i < batch.size(); i++) {
                cluster.addPod(prefix + (from + i), batch.get(i).ip(), port);
                cluster.setReady(prefix + (from + i), true);
            }
        });
        return batch;
    }

    /**
     * Lease writes of the publication path, as the leader logged them at DEBUG: the write itself, plus one per
     * conflict with its own renewals (re-read, re-check the holder, write again).
     */
    private static long publicationWrites(String leaderLog, String version) {
        return leaderLog.lines().filter(l -> l.contains("Published version " + version + " (was")
                || l.contains("changed while publishing " + version)).count();
    }

    @SafeVarargs
    private static void closePeers(List<StandInPeer>... groups) throws Exception {
        for (List<StandInPeer> group : groups) {
            for (StandInPeer p : group) {
                p.close();
            }
        }
    }

    /** Stand-in pod addresses for large clusters: 127.1.x.y, 250 per /24. */
    private static String largeClusterIp(int i) {
        return "127.1." + (i / 250) + "." + (i % 250 + 1);
    }

    // ---- 8. fan-out behind a real nginx -----------------------------------------------------------------

    /**
     * K sockets straight to the pods and K through nginx (ingress-nginx's WebSocket settings), on the same three new
     * pods in the same rollout: convergence -> new_version at the client, per path, for {@code runs} rollouts.
     */
    void ingressFanOut(int k, int runs) throws Exception {
        System.setProperty("vo.heap", "512m");
        List<String> csv = new ArrayList<>(List.of("run,path,told_ms"));
        Map<String, List<Double>> p50 = new TreeMap<>();
        Map<String, List<Double>> p99 = new TreeMap<>();
        try (LocalCluster cluster = new LocalCluster(LocalCluster.Options.defaults().withRollout(1.0, 0.0)
                .withEnv(FAST_ELECTION).withIngress(List.of(NginxIngress.Listener.ingressNginxDefaults())),
                line -> { })) {
            cluster.deployAndAwaitPublished("1.0.0", 3, WAIT);
            // HTTP/1.1: the JDK client's default h2c upgrade header would be passed on by nginx as a WebSocket's is.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            for (int run = 1; run <= runs; run++) {
                String version = (run + 1) + ".0.0";
                cluster.holdScaleDown(true);
                cluster.rollout(version);
                await().atMost(WAIT).until(() -> cluster.pods().stream()
                        .filter(p -> p.version().equals(version) && p.ready()).count() == 3);
                List<PodInfo> targets = cluster.pods().stream().filter(p -> p.version().equals(version)).toList();
                cluster.ingress().routeOnlyTo(targets.stream().map(PodInfo::ip).toList());
                AtomicInteger newInARow = new AtomicInteger();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
                    try {
                        String body = http.send(HttpRequest.newBuilder(URI.create(cluster.ingress().url(0)
                                + "/version")).timeout(Duration.ofSeconds(2)).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                        return body.contains(version) ? newInARow.incrementAndGet() >= 30 : newInARow.getAndSet(0) < 0;
                    } catch (java.io.IOException e) {
                        // an old worker closing its keep-alive connections after the reload: ask again
                        newInARow.set(0);
                        return false;
                    }
                });
                Map<String, ConcurrentLinkedQueue<Long>> arrivals = Map.of("direct", new ConcurrentLinkedQueue<>(),
                        "nginx", new ConcurrentLinkedQueue<>());
                SocketLoad direct = openSockets(k, i -> targets.get(i % targets.size()).ip(), cluster.port(),
                        text -> arrivals.get("direct").add(System.nanoTime()));
                SocketLoad proxied = openSockets(k, i -> "127.0.0.1", cluster.ingress().port(0),
                        text -> arrivals.get("nginx").add(System.nanoTime()));
                try {
                    await().atMost(WAIT).until(() -> direct.hellos().get() + direct.failed().get() >= k
                            && proxied.hellos().get() + proxied.failed().get() >= k);
                } catch (ConditionTimeoutException e) {
                    throw new IllegalStateException(String.format("run %d: greeted/failed direct %s/%s, nginx %s/%s"
                            + " of %d each; nginx: %s", run, direct.hellos(), direct.failed(), proxied.hellos(),
                            proxied.failed(), k, cluster.ingress().output()), e);
                }
                cluster.holdScaleDown(false);
                await().atMost(WAIT).until(() -> cluster.lastOldPodLeftNanos() > 0 && cluster.rolledOut());
                long converged = cluster.lastOldPodLeftNanos();
                await().atMost(Duration.ofSeconds(60)).until(() -> arrivals.get("direct").size() >= direct.hellos().get()
                        && arrivals.get("nginx").size() >= proxied.hellos().get());
                for (Map.Entry<String, SocketLoad> path : Map.of("direct", direct, "nginx", proxied).entrySet()) {
                    List<Double> ms = new ArrayList<>(arrivals.get(path.getKey()).stream()
                            .map(t -> (t - converged) / 1e6).toList());
                    Collections.sort(ms);
                    for (double v : ms) {
                        csv.add(String.format("%d,%s,%.1f", run, path.getKey(), v));
                    }
                    p50.computeIfAbsent(path.getKey(), x -> new ArrayList<>()).add(percentile(ms, 50));
                    p99.computeIfAbsent(path.getKey(), x -> new ArrayList<>()).add(percentile(ms, 99));
                    line(String.format("   run %d, %s: %d greeted, %d failed; p50 %.0f ms, p99 %.0f ms, max %.0f ms", run,
                            path.getKey(), path.getValue().hellos().get(), path.getValue().failed().get(),
                            percentile(ms, 50), percentile(ms, 99), ms.get(ms.size() - 1)));
                }
                direct.close();
                proxied.close();
                cluster.ingress().routeOnlyTo(null);
                cluster.holdScaleDown(false);
            }
            Files.write(Path.of("target", "bench-ingress.csv"), csv);
            line(String.format("## 8. Behind nginx (ingress-nginx's WebSocket settings), K=%d sockets each way over 3 "
                    + "pods, same rollouts, %d runs: convergence -> new_version, p50 direct %s / through nginx %s; "
                    + "p99 direct %s / through nginx %s (raw: target/bench-ingress.csv)", k, runs,
                    stats(p50.get("direct"), "ms"), stats(p50.get("nginx"), "ms"), stats(p99.get("direct"), "ms"),
                    stats(p99.get("nginx"), "ms")));
        } finally {
            System.clearProperty("vo.heap");
        }
    }

    // ---- 4. idle capacity ----------------------------------------------------------------------------------

    void idleCapacity(int n) throws Exception {
        idleCapacity("product", ServiceProcess.JAR, n);
    }

    /**
     * The same measurement of the product and of the two naive baselines (src/test/baselines, built here with
     * AppBuild), {@code runs} times each, interleaved so that a drift of the machine touches all three alike.
     */
    void idleCapacitySideBySide(int n, int runs) throws Exception {
        Map<String, Path> stacks = stacksSideBySide();
        for (int run = 0; run < runs; run++) {
            for (Map.Entry<String, Path> stack : stacks.entrySet()) {
                idleCapacity(stack.getKey(), stack.getValue(), n);
            }
        }
    }

    /**
     * The product's jar and the two naive baselines' (src/test/baselines), built here with AppBuild;
     * {@code -Dbench.stacks=NAME,...} keeps only those named (e.g. {@code product}, {@code naive websockets}).
     */
    private static Map<String, Path> stacksSideBySide() throws Exception {
        Map<String, Path> stacks = new java.util.LinkedHashMap<>();
        List<String> only = List.of(System.getProperty("bench.stacks",
                "product,naive websockets,naive websockets-next").split(","));
        if (only.contains("product")) {
            stacks.put("product", ServiceProcess.JAR);
        }
        for (String baseline : List.of("websockets", "websockets-next")) {
            if (!only.contains("naive " + baseline)) {
                continue;
            }
            AppBuild app = AppBuild.prepare(Path.of("src/test/baselines", baseline),
                    Path.of("target/baselines", baseline), System.getProperty("vo.quarkus.version", "3.33.2"), null);
            app.maven(List.of("-f", app.pom().toString(), "package"));
            stacks.put("naive " + baseline, app.jar());
        }
        return stacks;
    }

    /**
     * Rounds run before the counted ones and left out of every figure ({@code -Dbench.warmups}, default 1): the first
     * process of a run meets a cold client JVM and harness (JIT, heap sizing, the embedded API server). Session 11:
     * the product, then always first, stormed in 4.8-4.9 s in round 1 and 3.35-3.40 s in rounds 2-3.
     */
    private static int warmups() {
        return Integer.getInteger("bench.warmups", 1);
    }

    /** The stacks in the order round {@code run} runs them: rotated by one each round, so none is always first. */
    private static <T> List<Map.Entry<String, T>> inTurn(Map<String, T> stacks, int run) {
        List<Map.Entry<String, T>> order = new ArrayList<>(stacks.entrySet());
        Collections.rotate(order, 1 - run);
        return order;
    }

    /** Where round {@code run}'s figure goes: its list in {@code figures}, or nowhere for a warm-up round. */
    private static List<Double> figure(Map<String, List<Double>> figures, String key, int run) {
        return run >= 1 ? figures.computeIfAbsent(key, x -> new ArrayList<>()) : new ArrayList<>();
    }

    private static String round(int run) {
        return run >= 1 ? "run " + run : "warm-up " + (run + warmups()) + " (not counted)";
    }

    // ---- 4c. fan-out side by side with naive baselines -----------------------------------------------------

    /**
     * Trigger -> message at the client, K sockets on one process, for the product and the two naive baselines, in
     * the same run with the same client and JVM flags, {@code runs} rounds interleaved. The product's trigger is a
     * publication: the bench writes the published version into the Lease as a leader would (the one pod follows
     * the Lease through its informer, like every pod in a rollout); the baselines' is {@code POST /broadcast}.
     */
    void fanOutSideBySide(int[] ks, int runs) throws Exception {
        Map<String, Path> stacks = stacksSideBySide();
        Map<String, List<Double>> p50 = new TreeMap<>();
        Map<String, List<Double>> p99 = new TreeMap<>();
        Map<String, List<Double>> max = new TreeMap<>();
        Map<String, List<Double>> accept = new TreeMap<>();
        Map<String, List<Double>> stall = new TreeMap<>();
        Map<String, List<Double>> fanOutStall = new TreeMap<>();
        for (int run = 1 - warmups(); run <= runs; run++) {
            // A warm-up round runs the smallest K only: it warms the client and the harness, not the servers (each
            // measurement starts its own).
            for (int k : run >= 1 ? ks : new int[] { java.util.Arrays.stream(ks).min().orElseThrow() }) {
                for (Map.Entry<String, Path> stack : inTurn(stacks, run)) {
                    FanOut result = stack.getKey().equals("product") ? productFanOut(k)
                            : naiveFanOut(stack.getValue(), k);
                    List<Double> ms = result.toldMillis();
                    String key = String.format("%05d %s", k, stack.getKey());
                    for (double v : ms) {
                        csv("fanout-side-by-side", "run,k,stack,told_ms", String.format("%d,%d,%s,%.2f", run, k,
                                stack.getKey(), v));
                    }
                    csv("accept-side-by-side", "run,k,stack,greeted,accept_s", String.format("%d,%d,%s,%d,%.2f",
                            run, k, stack.getKey(), result.greeted(), result.acceptSeconds()));
                    figure(accept, key, run).add(result.acceptSeconds());
                    figure(p50, key, run).add(percentile(ms, 50));
                    figure(p99, key, run).add(percentile(ms, 99));
                    figure(max, key, run).add(ms.get(ms.size() - 1));
                    if (!Double.isNaN(result.stallMs())) {
                        figure(stall, key, run).add(result.stallMs());
                        figure(fanOutStall, key, run).add(result.fanOutStallMs());
                    }
                    line(String.format("   %s, K=%d, %s: %d greeted in %.2f s; %d told; p50 %.1f ms, p99 %.1f ms,"
                            + " max %.1f ms", round(run), k, stack.getKey(), result.greeted(), result.acceptSeconds(),
                            ms.size(), percentile(ms, 50), percentile(ms, 99), ms.get(ms.size() - 1)));
                }
            }
        }
        for (String key : p50.keySet()) {
            line(String.format("## 4c. Fan-out side by side, K=%s: trigger -> message, p50 %s, p99 %s, max %s; all K "
                    + "greeted in %s (%d runs)", key.replaceFirst("^0*", ""), stats(p50.get(key), "ms"),
                    stats(p99.get(key), "ms"), stats(max.get(key), "ms"), stats(accept.get(key), "s"), runs));
        }
        for (String key : stall.keySet()) {
            line(String.format("## 4c. K=%s: longest event-loop stall seen from outside (ping round-trip every 100 ms):"
                    + " whole round %s; publication -> last message %s", key.replaceFirst("^0*", ""),
                    stats(stall.get(key), "ms"), stats(fanOutStall.get(key), "ms")));
        }
    }

    /** Ms from the trigger to each message, sorted; how many sockets were greeted and how long opening them took. */
    private record FanOut(List<Double> toldMillis, int greeted, double acceptSeconds, double fanOutStallMs,
            double stallMs) {
    }

    /** The pods' environment of sections 4c and 4d: FAST_ELECTION, plus -Dbench.podEnv=NAME=VALUE,... to try. */
    private static Map<String, String> podEnv() {
        Map<String, String> env = new java.util.HashMap<>(FAST_ELECTION);
        for (String pair : System.getProperty("bench.podEnv", "").split(",")) {
            if (pair.contains("=")) {
                env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        if (System.getProperty("bench.jfr") != null) {
            // -Dbench.jfr=PATH: a JFR recording (profile settings) of each pod, written when it stops. A PATH ending
            // in '/' is a directory: one file per pod, named by the JVM.
            env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename=" + System.getProperty("bench.jfr")
                    + ",settings=profile,dumponexit=true");
        }
        return env;
    }

    /**
     * One pod that follows a Lease the bench writes; K sockets on it; ms from the write to each new_version, and the
     * pod's longest stall seen from outside (a probe socket pinged every 100 ms).
     */
    private FanOut productFanOut(int k) throws Exception {
        System.setProperty("vo.heap", "256m");
        Map<String, String> env = podEnv();
        try (LocalCluster cluster = new LocalCluster(LocalCluster.Options.defaults().withEnv(env), line -> { })) {
            cluster.deployAndAwaitPublished("1.0.0", 1, WAIT);
            PodInfo pod = cluster.pods().get(0);
            // One socket more on the pod, pinged every 100 ms, from the accept to the last message.
            try (StallProbe stalls = stallProbe(cluster)) {
                ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
                long opening = System.nanoTime();
                SocketLoad load = openSockets(k, i -> pod.ip(), cluster.port(), text -> {
                    if (text.contains("\"new_version\"")) {
                        arrivals.add(System.nanoTime());
                    }
                });
                await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                        .until(() -> load.hellos().get() + load.failed().get() >= k);
                double acceptSeconds = (System.nanoTime() - opening) / 1e9;
                double acceptStall = stalls.phaseMaxMs();
                long published = writePublication(cluster, "2.0.0");
                await().atMost(Duration.ofSeconds(60)).until(() -> arrivals.size() >= load.hellos().get());
                if (System.getProperty("bench.jfr") != null) {
                    System.out.print(Jcmd.run(pod.pid(), "JFR.dump", "filename=" + System.getProperty("bench.jfr")));
                }
                // The pod's own account: how long it took to join, when it learnt the publication and when its
                // fan-out loop had queued every send.
                podLines(cluster, pod.name(), "pod", "Joined the cluster", "Published version changed",
                        "Pushed new version 2.0.0");
                double fanOutStall = stalls.phaseMaxMs();
                line(String.format("   %s; longest while accepting %.0f ms, from the publication to the last message"
                        + " %.0f ms", stalls.summary(), acceptStall, fanOutStall));
                load.close();
                return new FanOut(sortedMillisSince(published, arrivals), load.hellos().get(), acceptSeconds,
                        fanOutStall, stalls.maxMs());
            }
        } finally {
            System.clearProperty("vo.heap");
        }
    }

    /**
     * Publishes {@code version} as the leader's {@code Publisher} writes it: the Lease read first, then one fenced
     * PUT; the pod's monitor is not involved. A renewal landing in between is a 409: again. Returns the nanoTime just
     * before the PUT that landed, and prints its wall-clock time in the pods' log format (the API hop is the pod's
     * "Published version changed" minus this).
     */
    private long writePublication(LocalCluster cluster, String version) {
        for (int attempt = 1;; attempt++) {
            Lease lease = cluster.client().leases().inNamespace(LocalCluster.NAMESPACE).withName(LocalCluster.LEASE)
                    .get();
            lease.getMetadata().getAnnotations().put(LeasePublicationStore.VERSION_ANNOTATION, version);
            lease.getMetadata().getAnnotations().put(LeasePublicationStore.AT_ANNOTATION,
                    java.time.Instant.now().toString());
            long before = System.nanoTime();
            java.time.LocalTime wallClock = java.time.LocalTime.now();
            try {
                cluster.client().resource(lease).update();
                line("   bench: " + wallClock.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                        + " Lease written with the publication");
                return before;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** A naive baseline process; K sockets on it; ms from the POST /broadcast to each message. */
    private FanOut naiveFanOut(Path jar, int k) throws Exception {
        System.setProperty("vo.heap", "256m");
        int port = ServiceProcess.freePort();
        try (ServiceProcess p = ServiceProcess.start(jar, "127.0.0.1", port, Map.of()).awaitReady(WAIT)) {
            ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
            long opening = System.nanoTime();
            SocketLoad load = openSockets(k, i -> "127.0.0.1", port, text -> arrivals.add(System.nanoTime()));
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                    .until(() -> load.hellos().get() + load.failed().get() >= k);
            double acceptSeconds = (System.nanoTime() - opening) / 1e9;
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long triggered = System.nanoTime();
            http.send(HttpRequest.newBuilder(URI.create(p.baseUrl() + "/broadcast"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            await().atMost(Duration.ofSeconds(60)).until(() -> arrivals.size() >= load.hellos().get());
            load.close();
            // A naive endpoint answers no ping: no stall figure.
            return new FanOut(sortedMillisSince(triggered, arrivals), load.hellos().get(), acceptSeconds, Double.NaN,
                    Double.NaN);
        } finally {
            System.clearProperty("vo.heap");
        }
    }

    private static List<Double> sortedMillisSince(long startNanos, java.util.Collection<Long> arrivals) {
        List<Double> ms = new ArrayList<>(arrivals.stream().map(t -> (t - startNanos) / 1e6).toList());
        Collections.sort(ms);
        return ms;
    }

    void idleCapacity(String stack, Path jar, int n) throws Exception {
        System.setProperty("vo.heap", "256m");
        int port = ServiceProcess.freePort();
        try (ServiceProcess p = ServiceProcess.start(jar, "127.0.0.1", port, Map.of(
                "OBSERVER_PUSH_MAX_CONNECTIONS", "100000", "OBSERVER_PUSH_MAX_CONNECTIONS_PER_ADDRESS", "100000"))
                .awaitReady(WAIT)) {
            gc(p.pid());
            long rssBefore = rssKb(p.pid());
            double heapBefore = heapUsedMb(p.baseUrl());
            SocketLoad load = openSockets(n, i -> "127.0.0.1", port, text -> { });
            AtomicInteger hellos = load.hellos();
            AtomicInteger failed = load.failed();
            await().atMost(WAIT).until(() -> hellos.get() + failed.get() >= n);
            gc(p.pid());
            long rssAfter = rssKb(p.pid());
            double heapAfter = heapUsedMb(p.baseUrl());
            if (Boolean.getBoolean("bench.histogram")) {
                // What the sockets keep, by class: the heaviest 30 classes after GC, for comparing stacks.
                List<String> top = Jcmd.run(p.pid(), "GC.class_histogram").lines().limit(33).toList();
                Files.write(Path.of("target/bench-idle-capacity-histogram-" + stack.replace(' ', '-') + ".txt"), top);
            }
            long cpuStart = cpuTicks(p.pid());
            long wallStart = System.nanoTime();
            TimeUnit.SECONDS.sleep(10); // a measurement window for the idle CPU, not a wait for anything
            double cpuPercent = (cpuTicks(p.pid()) - cpuStart) / 100.0 / ((System.nanoTime() - wallStart) / 1e9) * 100;
            csv("idle-capacity", "stack,sockets,refused,heap_before_mib,heap_after_mib,rss_before_mib,rss_after_mib,"
                    + "idle_cpu_percent", String.format("%s,%d,%d,%.1f,%.1f,%d,%d,%.1f", stack, hellos.get(),
                            failed.get(), heapBefore, heapAfter, rssBefore / 1024, rssAfter / 1024, cpuPercent));
            line(String.format("## 4. Idle capacity, " + stack + ", one pod (-Xmx256m): %d sockets open (%d refused); "
                    + "heap after GC "
                    + "%.1f -> %.1f MiB (%.2f KiB per socket); RSS %d -> %d MiB (%.2f KiB per socket); CPU while idle "
                    + "%.1f %% of one core over 10 s", hellos.get(), failed.get(), heapBefore, heapAfter,
                    (heapAfter - heapBefore) * 1024 / Math.max(1, hellos.get()), rssBefore / 1024, rssAfter / 1024,
                    (rssAfter - rssBefore) / (double) Math.max(1, hellos.get()), cpuPercent));
            load.close();
        } finally {
            System.clearProperty("vo.heap");
        }
    }

    // ---- 5. failover with the default election timings -----------------------------------------------------

    void failover() throws Exception {
        for (boolean crash : new boolean[] { false, true }) {
            try (LocalCluster cluster = new LocalCluster(LocalCluster.Options.defaults(), line -> { })) {
                cluster.deployAndAwaitPublished("1.0.0", 3, WAIT);
                String leader = cluster.leader().orElseThrow();
                long stopped = System.nanoTime();
                java.time.ZonedDateTime stoppedAt = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
                if (crash) {
                    cluster.crash(leader);
                } else {
                    cluster.deletePod(leader);
                }
                // A live leader again: the Lease renewed after the stop. After SIGKILL that may be the same pod,
                // its container restarted by the kubelet (same name, same election identity).
                await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> cluster.lease()
                        .filter(l -> l.getSpec().getHolderIdentity() != null && !l.getSpec().getHolderIdentity().isEmpty())
                        .filter(l -> l.getSpec().getRenewTime() != null && l.getSpec().getRenewTime().isAfter(stoppedAt))
                        .filter(l -> crash || !l.getSpec().getHolderIdentity().equals(leader)).isPresent());
                String next = cluster.leader().orElse("?");
                csv("failover", "stop,takeover_ms,successor", String.format("%s,%.0f,%s", crash ? "sigkill" : "graceful",
                        (System.nanoTime() - stopped) / 1e6, next.equals(leader) ? "same pod restarted" : "another pod"));
                line(String.format("## 5. Failover (lease 15 s, renew 10 s, retry 2 s): leader %s -> a live process "
                        + "holds the Lease again after %.0f ms (%s)", crash ? "SIGKILL" : "graceful stop (preStop 0.5 s, "
                                + "release on shutdown)", (System.nanoTime() - stopped) / 1e6,
                        next.equals(leader) ? "the same pod, its container restarted" : "another pod"));
            }
        }
    }

    // ---- 5b. handover -----------------------------------------------------------------------------------

    /** Pings every ready pod of {@code cluster} (#15 item 2: the longest event-loop stall, seen from outside). */
    private static StallProbe stallProbe(LocalCluster cluster) {
        return new StallProbe(() -> {
            Map<String, URI> ready = new LinkedHashMap<>();
            cluster.pods().stream().filter(PodInfo::ready)
                    .forEach(p -> ready.put(p.name() + "#" + p.restarts(), cluster.socketUri(p, "1.0.0")));
            return ready;
        });
    }

    /**
     * Rolling updates of 3 replicas (maxSurge 1, maxUnavailable 0) with the shipped election timings and the
     * chart's 5 s preStop; every rollout starts with an old pod leading (all pods are old then), and the
     * Deployment removes the oldest first, so the leader leaves mid-rollout. Pages open a socket on each new pod as
     * it becomes ready; the figure is from the Endpoints losing their last old address to a page receiving
     * {@code new_version} (pages open before the publication only). Raw samples: target/bench-handover.csv.
     * {@code -Dvo.jar=...} runs another build's jar under the same harness (before/after).
     */
    void handover(int rollouts) throws Exception {
        List<Double> told = new ArrayList<>();
        List<String> csv = new ArrayList<>(List.of("rollout,version,leader_before,page,told_ms"));
        try (LocalCluster cluster = new LocalCluster(LocalCluster.Options.defaults().withPreStop(Duration.ofSeconds(5)),
                line -> { });
                StallProbe stalls = stallProbe(cluster)) {
            cluster.deployAndAwaitPublished("1.0.0", 3, WAIT);
            for (int i = 0; i < rollouts; i++) {
                String version = (i + 2) + ".0.0";
                String leaderBefore = cluster.leader().orElse("?");
                Map<String, WsClient> pages = new LinkedHashMap<>();
                Map<String, String> helloPublished = new HashMap<>();
                cluster.rollout(version);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                    for (PodInfo pod : cluster.pods()) {
                        if (pod.version().equals(version) && pod.ready() && !pod.terminating()
                                && !pages.containsKey(pod.name())) {
                            WsClient page = WsClient.connect(
                                    cluster.socketUri(pod, "1.0.0"));
                            pages.put(pod.name(), page);
                            helloPublished.put(pod.name(), page.next(WAIT).path("published").asText());
                        }
                    }
                    return cluster.rolledOut();
                });
                await().atMost(WAIT).until(() -> cluster.published().equals(Optional.of(version)));
                long converged = cluster.lastOldPodLeftNanos();
                for (Map.Entry<String, WsClient> page : pages.entrySet()) {
                    if (!version.equals(helloPublished.get(page.getKey()))) {
                        double ms = (page.getValue().nextReceived(WAIT).arrivedNanos() - converged) / 1e6;
                        told.add(ms);
                        csv.add(String.format("%d,%s,%s,%s,%.1f", i + 1, version, leaderBefore, page.getKey(), ms));
                    }
                    page.getValue().close();
                }
            }
            // Reported before the cluster closes: closing fails if a pod logged a blocked-thread warning.
            reportHandover(rollouts, told, csv);
            line("   " + stalls.summary());
        }
    }

    private void reportHandover(int rollouts, List<Double> told, List<String> csv) throws Exception {
        Files.write(Path.of("target", "bench-handover.csv"), csv);
        List<Double> sorted = new ArrayList<>(told);
        Collections.sort(sorted);
        line(String.format("## 5b. Handover (%s): last old address left -> page told over %d rollouts with an old "
                + "leader (lease 15 s, renew 10 s, retry 2 s, preStop 5 s): p50 %.0f ms, p99 %.0f ms, max %.0f ms "
                + "(n=%d pages; raw: target/bench-handover.csv)", ServiceProcess.JAR, rollouts,
                percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1), sorted.size()));
    }

    // ---- 7. abusive clients --------------------------------------------------------------------------------

    /**
     * Rounds of abuse against one pod with its default limits and -Xmx128m, while one well-behaved page from
     * another address stays connected: a connection flood past the per-address cap, message flooders, oversized
     * text frames and binary frames ({@code perKind} clients of each). Prints the close codes each kind got, the
     * heap after GC after every round (bounded memory shows as a flat line) and its peak during the round, and
     * whether the good page still answers.
     */
    void abusiveClients(int rounds, int perKind) throws Exception {
        System.setProperty("vo.heap", "128m");
        int port = ServiceProcess.freePort();
        try (ServiceProcess p = ServiceProcess.start("127.0.0.1", port, Map.of()).awaitReady(WAIT)) {
            // Handlers set before the handshake completes (ClientWebSocket), so no first frame can slip past them.
            WebSocketClient abusers = vertx.createWebSocketClient(
                    new WebSocketClientOptions().setMaxConnections(4 * perKind + 400)
                            .setConnectTimeout(10_000));
            io.vertx.core.http.HttpClient polite = vertx.createHttpClient(new HttpClientOptions()
                    .setLocalAddress("127.0.0.9"));
            String uri = "/version/ws?v=1.0.0";
            WebSocket page = polite.webSocket(port, "127.0.0.1", uri).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            AtomicInteger pongs = new AtomicInteger();
            page.textMessageHandler(text -> {
                if (text.contains("\"pong\"")) {
                    pongs.incrementAndGet();
                }
            });
            gc(p.pid());
            double heapStart = heapUsedMb(p.baseUrl());
            long rssStart = rssKb(p.pid());
            List<Double> afterGc = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                Map<String, Map<String, AtomicInteger>> codes = new ConcurrentHashMap<>();
                DoubleAccumulator peak = new DoubleAccumulator(
                        Math::max, 0);
                ScheduledExecutorService sampler = Executors
                        .newSingleThreadScheduledExecutor();
                sampler.scheduleAtFixedRate(() -> {
                    try {
                        peak.accumulate(heapUsedMb(p.baseUrl()));
                    } catch (Exception e) {
                        // a missed sample only lowers the peak seen
                    }
                }, 0, 200, TimeUnit.MILLISECONDS);
                long started = System.nanoTime();
                // Each kind: open, then misbehave once the hello arrives; note how the server closed the socket.
                abuse(abusers, port, uri, "connection flood (" + (perKind + 300) + " opened, cap 256/address)",
                        perKind + 300, ws -> { }, codes, true);
                abuse(abusers, port, uri, "message flood (up to 500 pings each)", perKind, ws -> {
                    for (int i = 0; i < 500 && !ws.isClosed(); i++) {
                        ws.writeTextMessage("{\"type\":\"ping\"}");
                    }
                }, codes, false);
                abuse(abusers, port, uri, "32 KiB text frame", perKind,
                        ws -> ws.writeFinalTextFrame("x".repeat(32 * 1024)), codes, false);
                abuse(abusers, port, uri, "binary frame", perKind,
                        ws -> ws.writeFinalBinaryFrame(Buffer.buffer(new byte[16])), codes, false);
                double seconds = (System.nanoTime() - started) / 1e9;
                sampler.shutdownNow();
                int pongsBefore = pongs.get();
                page.writeTextMessage("{\"type\":\"ping\"}");
                await().atMost(Duration.ofSeconds(30)).until(() -> pongs.get() > pongsBefore || page.isClosed());
                gc(p.pid());
                double heap = heapUsedMb(p.baseUrl());
                afterGc.add(heap);
                csv("abuse", "round,seconds,close_codes,heap_peak_mib,heap_after_gc_mib,polite_page_open",
                        String.format("%d,%.1f,\"%s\",%.1f,%.1f,%s", round, seconds, codes, peak.get(), heap,
                                !page.isClosed()));
                line(String.format("## 7. Abusive clients, round %d (%.1f s): %s; heap peak %.1f MiB, after GC %.1f MiB; "
                        + "the polite page (another address) %s", round, seconds, codes, peak.get(), heap,
                        page.isClosed() ? "WAS CLOSED" : "still open and answered its ping"));
            }
            line(String.format("## 7. Abusive clients, summary: one pod, default limits, -Xmx128m, %d rounds of %d "
                    + "clients per kind; heap after GC %.1f MiB before, then %s MiB after each round; RSS %d -> %d MiB",
                    rounds, perKind, heapStart, afterGc.stream().map(h -> String.format("%.1f", h)).toList(),
                    rssStart / 1024, rssKb(p.pid()) / 1024));
            page.close();
            abusers.close();
            polite.close();
        } finally {
            System.clearProperty("vo.heap");
        }
    }

    /**
     * Opens {@code count} sockets (at most 200 handshakes in flight), runs {@code misbehave} on each after its
     * hello, and waits (bounded) until the server has closed every one, or, when {@code closeAdmitted}, closes
     * the admitted ones itself. Tallies under {@code kind} the close codes the server chose, "admitted" for
     * sockets closed by this side, "refused" for failed handshakes.
     */
    private void abuse(WebSocketClient client, int port, String uri, String kind, int count,
            Consumer<WebSocket> misbehave, Map<String, Map<String, AtomicInteger>> codes,
            boolean closeAdmitted) throws InterruptedException {
        Map<String, AtomicInteger> tally = codes.computeIfAbsent(kind, k -> new TreeMap<>());
        Consumer<String> count1 = code -> {
            synchronized (tally) {
                tally.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
            }
        };
        Semaphore inFlight = new Semaphore(200);
        AtomicInteger settled = new AtomicInteger();
        AtomicInteger greeted = new AtomicInteger();
        List<WebSocket> opened = Collections.synchronizedList(new ArrayList<>());
        Set<WebSocket> greetedSockets = ConcurrentHashMap.newKeySet();
        Set<WebSocket> pongedSockets = ConcurrentHashMap.newKeySet();
        List<WebSocket> admitted = Collections.synchronizedList(new ArrayList<>());
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
            inFlight.acquire();
            ClientWebSocket ws = client.webSocket();
            AtomicReference<String> error = new AtomicReference<>();
            ws.exceptionHandler(t -> error.compareAndSet(null, t.getClass().getSimpleName() + ": " + t.getMessage()));
            ws.closeHandler(v -> {
                if (!admitted.contains(ws)) {
                    Short code = ws.closeStatusCode();
                    count1.accept(code != null ? code.toString() : "no close frame (" + error.get() + ")");
                }
                settled.incrementAndGet();
            });
            ws.textMessageHandler(text -> {
                if (text.contains("\"pong\"")) {
                    pongedSockets.add(ws);
                }
                if (!text.contains("\"hello\"")) {
                    return;
                }
                greeted.incrementAndGet();
                greetedSockets.add(ws);
                if (closeAdmitted) {
                    count1.accept("admitted");
                    admitted.add(ws);
                }
                misbehave.accept(ws);
            });
            ws.connect(port, "127.0.0.1", uri).onComplete(r -> {
                inFlight.release();
                if (r.failed()) {
                    count1.accept("refused");
                    settled.incrementAndGet();
                } else {
                    opened.add(ws);
                }
            });
        }
        if (closeAdmitted) {
            // Everyone past the cap is closed by the server; the admitted ones are closed by us once all settled.
            await().atMost(Duration.ofSeconds(60)).until(() -> settled.get() + admitted.size() >= count);
            admitted.forEach(WebSocket::close);
        }
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> settled.get() >= count);
        } catch (ConditionTimeoutException e) {
            // Tell apart a handshake that never completed, a hello lost on the way, and a socket that is dead.
            List<WebSocket> silent = opened.stream().filter(ws -> !ws.isClosed() && !greetedSockets.contains(ws))
                    .toList();
            silent.forEach(ws -> ws.writeTextMessage("{\"type\":\"ping\"}"));
            await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
            count1.accept("UNSETTLED after 60 s: " + (count - settled.get()) + " (handshake pending "
                    + (count - opened.size() - tally.getOrDefault("refused", new AtomicInteger()).get())
                    + ", open without hello " + silent.size() + ", of which answered a ping "
                    + silent.stream().filter(pongedSockets::contains).count() + ")");
        }
    }
}

package dev.versionobserver.localcluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.versionobserver.publication.LeasePublicationStore;
import dev.versionobserver.support.FakeCluster;
import dev.versionobserver.support.ServiceProcess;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * A local stand-in for a Kubernetes cluster running Version Observer: real service processes, each on its own
 * loopback address and the same port, against one API server. It plays, with standard objects and in one
 * reconcile loop (as controllers do), the kubelet (start processes, probe readiness, write the Ready condition,
 * restart crashed containers, terminate with SIGTERM then SIGKILL after the grace period), the endpoints
 * controllers (via {@link FakeCluster}) and the Deployment controller (rolling update within maxSurge and
 * maxUnavailable, rounded as Kubernetes does).
 */
public final class LocalCluster implements AutoCloseable {

    public static final String NAMESPACE = "demo";
    public static final String SERVICE = "version-observer";
    public static final String APP = "version-observer";
    public static final String LEASE = "version-observer";

    /** One pod: its object in the API and, while it runs, its process. Confined to the loop thread. */
    private static final class PodRuntime {
        final String name;
        final String ip;
        final String version;
        ServiceProcess process;
        /** Sidecar pods only: the app container beside the observer. */
        StaticSiteContainer web;
        boolean ready;
        boolean terminating;
        long terminationStarted;
        boolean sigtermSent;
        int restarts;
        int probeFailures;
        /** controller.kubernetes.io/pod-deletion-cost: the ReplicaSet controller removes lower costs first. */
        int deletionCost;

        PodRuntime(String name, String ip, String version) {
            this.name = name;
            this.ip = ip;
            this.version = version;
        }
    }

    /** One version of the Lease as the harness's own watch saw it: when, and who held it (empty: released). */
    public record LeaseEvent(long nanos, String holder, String published, String publishedAt) {
    }

    /** What a pod looks like from outside, for tests and the timeline. */
    public record PodInfo(String name, String ip, String version, boolean ready, boolean terminating, long pid,
            int restarts) {
    }

    private final Options options;
    private final ApiServer api;
    private final KubernetesClient client;
    private final FakeCluster objects;
    private final Consumer<String> timeline;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-cluster");
        t.setDaemon(true);
        return t;
    });
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final int PROBE_FAILURE_THRESHOLD = 3;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
    private final Map<String, PodRuntime> pods = new LinkedHashMap<>();
    /** Processes of pods that are gone, kept for their logs. */
    private final Map<String, ServiceProcess> gone = new LinkedHashMap<>();
    private final int port;
    /** Sidecar pods: the observer container's port (the app container has {@link #port}); otherwise 0. */
    private final int observerPort;
    /** The Service's virtual IP: new connections go to a ready pod, round robin. */
    private final TcpProxy service;
    /** The Ingress stand-in, if the options ask for one. */
    private final NginxIngress ingress;
    private final java.util.concurrent.atomic.AtomicInteger nextEndpoint = new java.util.concurrent.atomic.AtomicInteger();
    private volatile List<String> readyIps = List.of();
    private final ApiProxy apiProxy;
    private final Path podKubeconfig;
    private int nextIp = 2;
    private int replicas;
    private String version;
    private volatile boolean holdScaleDown;
    private volatile long lastOldPodLeftNanos;
    private int revision;
    private final List<LeaseEvent> leaseHistory = new CopyOnWriteArrayList<>();
    private final Map<String, Long> terminationStarted = new ConcurrentHashMap<>();
    private final Watch leaseWatch;

    /**
     * Harness settings; the defaults are Kubernetes' own where Kubernetes has one. {@code podJar}: the application
     * each pod runs (null: this service); {@code sidecarSite}: pods made of a web server serving that directory plus
     * the observer beside it (null: the observer alone).
     */
    public record Options(double maxSurge, double maxUnavailable, Duration preStop, Duration gracePeriod,
            Map<String, String> serviceEnv, Path kubeconfig, String podIpPrefix, boolean apiFaults,
            List<NginxIngress.Listener> ingress, Path podJar, Path sidecarSite) {
        public static Options defaults() {
            return new Options(0.25, 0.25, Duration.ofMillis(500), Duration.ofSeconds(10), Map.of(), null,
                    "127.0.0.", false, List.of(), null, null);
        }

        /**
         * A real nginx in front of the ready pods, one listener per entry ({@link LocalCluster#ingress()}); the
         * plain TCP Service stays too.
         */
        public Options withIngress(List<NginxIngress.Listener> listeners) {
            return new Options(maxSurge, maxUnavailable, preStop, gracePeriod, serviceEnv, kubeconfig, podIpPrefix,
                    apiFaults, listeners, podJar, sidecarSite);
        }

        /** The preStop pause before SIGTERM (the chart's is 5 s; the default here is short to keep tests fast). */
        public Options withPreStop(Duration pause) {
            return new Options(maxSurge, maxUnavailable, pause, gracePeriod, serviceEnv, kubeconfig, podIpPrefix,
                    apiFaults, ingress, podJar, sidecarSite);
        }

        public Options withEnv(Map<String, String> env) {
            return new Options(maxSurge, maxUnavailable, preStop, gracePeriod, env, kubeconfig, podIpPrefix,
                    apiFaults, ingress, podJar, sidecarSite);
        }

        public Options withRollout(double surge, double unavailable) {
            return new Options(surge, unavailable, preStop, gracePeriod, serviceEnv, kubeconfig, podIpPrefix,
                    apiFaults, ingress, podJar, sidecarSite);
        }

        /** A real API server instead of the embedded one; pods then need non-loopback addresses. */
        public Options withRealApi(Path kubeconfig, String podIpPrefix) {
            return new Options(maxSurge, maxUnavailable, preStop, gracePeriod, serviceEnv, kubeconfig, podIpPrefix,
                    apiFaults, ingress, podJar, sidecarSite);
        }

        /**
         * Pods reach the API through a proxy that can cut it ({@link LocalCluster#cutApi()}) or stall and expire
         * their watches ({@link LocalCluster#stallWatches}, {@link LocalCluster#expireWatches}); the harness
         * itself does not go through it.
         */
        public Options withApiFaults() {
            return new Options(maxSurge, maxUnavailable, preStop, gracePeriod, serviceEnv, kubeconfig, podIpPrefix,
                    true, ingress, podJar, sidecarSite);
        }

        /** Pods run another Quarkus application's fast-jar, one that embeds the library jar. */
        public Options withPodJar(Path jar) {
            return new Options(maxSurge, maxUnavailable, preStop, gracePeriod, serviceEnv, kubeconfig, podIpPrefix,
                    apiFaults, ingress, jar, sidecarSite);
        }

        /**
         * Sidecar pods, as the chart's sidecar mode makes them: the app container (nginx serving {@code site} on
         * the pod's http port) and the observer on its own port, named {@code observer} in the Endpoints; the
         * Ingress, if any, routes {@code /version} and {@code /version-observer/} to the observer.
         */
        public Options withSidecar(Path site) {
            return new Options(maxSurge, maxUnavailable, preStop, gracePeriod, serviceEnv, kubeconfig, podIpPrefix,
                    apiFaults, ingress, podJar, site);
        }
    }

    public LocalCluster(Options options, Consumer<String> timeline) throws IOException {
        this.options = options;
        this.timeline = timeline;
        this.api = options.kubeconfig() == null ? new EmbeddedApiServer(NAMESPACE)
                : new ExternalApiServer(options.kubeconfig());
        this.client = api.client();
        if (api.real()) {
            if (options.podIpPrefix().startsWith("127.")) {
                throw new IllegalArgumentException("a real API server rejects loopback pod addresses in Endpoints: "
                        + "give --pod-ip-prefix of addresses inside a network namespace (see README)");
            }
            client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                    .withName(NAMESPACE).endMetadata().build()).createOr(
                            io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        }
        this.objects = new FakeCluster(client, NAMESPACE, SERVICE, APP);
        if (options.apiFaults()) {
            URI apiUri = URI.create(api.url());
            try {
                this.apiProxy = new ApiProxy(api.url());
            } catch (Exception e) {
                throw new IOException("cannot start the API proxy", e);
            }
            this.podKubeconfig = java.nio.file.Files.createTempFile("vo-pod-kubeconfig", ".yaml");
            java.nio.file.Files.writeString(podKubeconfig, java.nio.file.Files.readString(api.kubeconfig())
                    .replace(api.url(), apiProxy.url()));
        } else {
            this.apiProxy = null;
            this.podKubeconfig = api.kubeconfig();
        }
        this.port = ServiceProcess.freePort();
        this.observerPort = options.sidecarSite() == null ? 0 : ServiceProcess.freePort();
        try {
            this.service = new TcpProxy(() -> {
                List<String> ips = readyIps;
                return ips.isEmpty() ? null : ips.get(Math.floorMod(nextEndpoint.getAndIncrement(), ips.size()));
            }, port);
        } catch (Exception e) {
            throw new IOException("cannot start the Service proxy", e);
        }
        this.ingress = options.ingress().isEmpty() ? null : new NginxIngress(port, observerPort, options.ingress());
        this.leaseWatch = client.leases().inNamespace(NAMESPACE).withName(LEASE).watch(
                new Watcher<Lease>() {
                    @Override
                    public void eventReceived(Action action, Lease lease) {
                        if (action == Action.ADDED || action == Action.MODIFIED) {
                            String holder = holder(lease);
                            String published = publishedIn(lease);
                            Map<String, String> annotations = lease.getMetadata().getAnnotations();
                            leaseHistory.add(new LeaseEvent(System.nanoTime(), holder == null ? "" : holder,
                                    published, annotations == null ? null
                                            : annotations.get(LeasePublicationStore.AT_ANNOTATION)));
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        // the harness's own watch on the embedded API ends only at close
                    }
                });
        loop.scheduleWithFixedDelay(this::reconcile, 0, 100, TimeUnit.MILLISECONDS);
    }

    public KubernetesClient client() {
        return client;
    }

    public ApiServer api() {
        return api;
    }

    public int port() {
        return port;
    }

    // ---- commands (any thread) ---------------------------------------------------------------------------

    /** Creates the Deployment and waits until it has rolled out and {@code version} is published. */
    public void deployAndAwaitPublished(String version, int replicas, Duration within) {
        deploy(version, replicas);
        org.awaitility.Awaitility.await().atMost(within).until(this::rolledOut);
        org.awaitility.Awaitility.await().atMost(within).until(() -> published().equals(Optional.of(version)));
    }

    /** Creates the Deployment: {@code replicas} pods of {@code version}. */
    public void deploy(String version, int replicas) {
        call(() -> {
            this.version = version;
            this.replicas = replicas;
            this.revision++;
            timeline.accept("deployment: " + replicas + " x " + version);
            return null;
        });
    }

    /** Changes the pod template's version: a rolling update. */
    public void rollout(String version) {
        call(() -> {
            this.version = version;
            this.revision++;
            timeline.accept("rollout: to " + version + " (maxSurge " + maxSurge() + ", maxUnavailable "
                    + maxUnavailable() + ")");
            return null;
        });
    }

    public void scale(int replicas) {
        call(() -> {
            this.replicas = replicas;
            timeline.accept("scale: to " + replicas + " replicas");
            return null;
        });
    }

    /** Deletes a pod (graceful: preStop, SIGTERM, grace period, SIGKILL), as {@code kubectl delete pod} does. */
    public void deletePod(String name) {
        call(() -> {
            PodRuntime pod = pods.get(name);
            if (pod == null) {
                throw new IllegalArgumentException("no pod " + name);
            }
            beginTermination(pod);
            return null;
        });
    }

    /** SIGKILLs a pod's process: a crash. The kubelet restarts the container in the same pod. */
    public void crash(String name) {
        call(() -> {
            PodRuntime pod = pods.get(name);
            if (pod == null || pod.process == null) {
                throw new IllegalArgumentException("no running pod " + name);
            }
            timeline.accept("crash: SIGKILL " + name + " (pid " + pod.process.pid() + ")");
            pod.process.kill();
            return null;
        });
    }

    /**
     * Sets a pod's {@code controller.kubernetes.io/pod-deletion-cost}: when the Deployment scales old or surplus
     * pods down, lower costs go first (as the ReplicaSet controller ranks them).
     */
    public void setDeletionCost(String name, int cost) {
        call(() -> {
            PodRuntime pod = pods.get(name);
            if (pod == null) {
                throw new IllegalArgumentException("no pod " + name);
            }
            pod.deletionCost = cost;
            client.pods().inNamespace(NAMESPACE).withName(name).edit(p -> new PodBuilder(p).editMetadata().addToAnnotations("controller.kubernetes.io/pod-deletion-cost",
                            Integer.toString(cost)).endMetadata().build());
            return null;
        });
    }

    /** Every version of the Lease the harness's watch saw, oldest first. */
    /**
     * Writes that published {@code version}, as the harness's own watch on the Lease saw them: each carries its own
     * published-at, so a second write of the same version counts twice (read from the API, not from pod logs).
     */
    public long publicationWrites(String version) {
        return leaseHistory.stream().filter(e -> version.equals(e.published())).map(LeaseEvent::publishedAt)
                .filter(java.util.Objects::nonNull).distinct().count();
    }

    public List<LeaseEvent> leaseHistory() {
        return List.copyOf(leaseHistory);
    }

    /** System.nanoTime() when the named pod got its deletionTimestamp, if it did. */
    public Optional<Long> terminationStartedNanos(String name) {
        return Optional.ofNullable(terminationStarted.get(name));
    }

    /** Holds the rollout before any old pod is removed (as a paused Deployment would), or lets it go on. */
    public void holdScaleDown(boolean hold) {
        holdScaleDown = hold;
    }

    /** System.nanoTime() when the last pod of an older version left the Endpoints (0 if never). */
    public long lastOldPodLeftNanos() {
        return lastOldPodLeftNanos;
    }

    /** Whether the rollout is complete: every pod runs the template version, the right number, all ready. */
    public boolean rolledOut() {
        return call(() -> pods.size() == replicas
                && pods.values().stream().allMatch(p -> p.version.equals(version) && p.ready && !p.terminating));
    }

    public List<PodInfo> pods() {
        return call(() -> pods.values().stream()
                .map(p -> new PodInfo(p.name, p.ip, p.version, p.ready, p.terminating,
                        p.process == null ? -1 : p.process.pid(), p.restarts))
                .toList());
    }

    public Optional<PodInfo> pod(String name) {
        return pods().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Cuts the pods off the API server (the harness keeps its own access); needs {@code withApiFaults()}. */
    public void cutApi() {
        apiProxy.cut();
        timeline.accept("API server unreachable for the pods");
    }

    public void restoreApi() {
        apiProxy.restore();
        timeline.accept("API server reachable again");
    }

    /**
     * The pods' watches on the named resources (all, if none named) stop delivering events: those events are lost
     * until {@link #expireWatches(boolean)}. Needs {@code withApiFaults()}.
     */
    public void stallWatches(String... resources) {
        List<String> suffixes = java.util.Arrays.stream(resources).map(r -> "/" + r).toList();
        apiProxy.stallWatches(path -> suffixes.isEmpty() || suffixes.stream().anyMatch(path::endsWith));
        timeline.accept("watches stalled" + (suffixes.isEmpty() ? "" : " on " + String.join(", ", resources))
                + ": their events are lost");
    }

    /**
     * The API server's history is compacted up to its current resourceVersion: every watch of the pods ends
     * (with an ERROR 410 event if {@code announce}, else without an event, as at a watch timeout) and any watch resuming from an
     * older version gets 410 Gone, so the pods must re-list. Lifts a stall. Returns how many live watches ended.
     */
    public int expireWatches(boolean announce) {
        long current = Long.parseLong(client.leases().inNamespace(NAMESPACE).list().getMetadata()
                .getResourceVersion());
        int ended = apiProxy.expireWatches(current, announce);
        timeline.accept("watch history compacted at resourceVersion " + current + ": " + ended + " watch(es) "
                + (announce ? "told 410 Gone" : "ended silently, their resumption gets 410 Gone"));
        return ended;
    }

    /**
     * The next Lease write that publishes {@code version} lands on the API server, but the pod that sent it gets
     * the answer only when the test releases it. Needs {@code withApiFaults()}.
     */
    public ApiProxy.HeldAnswer holdAnswerToPublicationOf(String version) {
        timeline.accept("the answer to the write publishing " + version + " will be held back");
        return apiProxy.holdAnswerToNextWrite("\"" + LeasePublicationStore.VERSION_ANNOTATION + "\":\"" + version
                + "\"");
    }

    /** How many 410 Gone answers the pods' watches got so far. */
    public int watchGoneAnswers() {
        return apiProxy.goneAnswers();
    }

    /** How many list requests of a resource collection (e.g. "pods") the pods sent so far. */
    public long podLists(String resource) {
        return apiProxy.lists(resource);
    }

    /** List requests for {@code resource} that one pod's client sent through the fault proxy. */
    public long podLists(String pod, String resource) {
        return apiProxy.lists(pod, resource);
    }

    /** Every list or watch of pods the pods sent, as "pod fieldSelector" (needs {@code withApiFaults}). */
    public Set<String> podQueries() {
        return apiProxy.podQueries();
    }

    /** The Service address (kube-proxy stand-in): new connections go to a ready pod, round robin. */
    /** The Ingress in front of the pods; present when the options ask for one. */
    public NginxIngress ingress() {
        if (ingress == null) {
            throw new IllegalStateException("this cluster has no Ingress (Options.withIngress)");
        }
        return ingress;
    }

    public String serviceUrl() {
        return service.url();
    }

    /** The pod's observer (in sidecar pods, the observer container's port). */
    public String baseUrl(PodInfo pod) {
        return "http://" + pod.ip() + ":" + (observerPort == 0 ? port : observerPort);
    }

    public URI socketUri(PodInfo pod, String pageVersion) {
        return URI.create("ws://" + pod.ip() + ":" + (observerPort == 0 ? port : observerPort)
                + "/version/ws?v=" + pageVersion);
    }

    /** The election Lease as the API server has it now. */
    public Optional<Lease> lease() {
        return Optional.ofNullable(client.leases().inNamespace(NAMESPACE).withName(LEASE).get());
    }

    /** The holder of the election Lease, if any. */
    public Optional<String> leader() {
        return lease().map(LocalCluster::holder);
    }

    /** The version in the Lease's publication annotation, if any. */
    public Optional<String> published() {
        return lease().map(LocalCluster::publishedIn);
    }

    static String holder(Lease lease) {
        String holder = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
        return holder == null || holder.isEmpty() ? null : holder;
    }

    static String publishedIn(Lease lease) {
        return lease.getMetadata().getAnnotations() == null ? null
                : lease.getMetadata().getAnnotations().get(LeasePublicationStore.VERSION_ANNOTATION);
    }

    /** A pod process's log so far (also of a pod that is gone). */
    public String log(String name) {
        return call(() -> {
            PodRuntime pod = pods.get(name);
            ServiceProcess process = pod != null ? pod.process : gone.get(name);
            return process == null ? "" : process.output();
        });
    }

    /** Every process's log so far, of running, restarted and gone pods alike. */
    public String allLogs() {
        return call(() -> {
            StringBuilder all = new StringBuilder();
            gone.values().forEach(p -> all.append(p.output()));
            pods.values().forEach(p -> all.append(p.process == null ? "" : p.process.output()));
            return all.toString();
        });
    }

    private <T> T call(Callable<T> work) {
        try {
            return loop.submit(work).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("local cluster loop did not answer", e);
        }
    }

    // ---- the reconcile loop (loop thread only) ---------------------------------------------------------

    private void reconcile() {
        try {
            for (PodRuntime pod : List.copyOf(pods.values())) {
                kubelet(pod);
            }
            deploymentController();
            readyIps = pods.values().stream().filter(p -> p.ready && !p.terminating).map(p -> p.ip).toList();
            if (ingress != null) {
                ingress.update(readyIps);
            }
        } catch (Exception e) {
            timeline.accept("harness error: " + e);
        }
    }

    private void kubelet(PodRuntime pod) throws Exception {
        if (pod.terminating) {
            long elapsed = System.nanoTime() - pod.terminationStarted;
            if (!pod.sigtermSent && elapsed >= options.preStop().toNanos()) {
                pod.sigtermSent = true;
                pod.process.signalTerm();
                if (pod.web != null) {
                    pod.web.close();
                }
            }
            boolean exited = !pod.process.isAlive();
            if (!exited && elapsed >= options.preStop().plus(options.gracePeriod()).toNanos()) {
                timeline.accept("kubelet: grace period over, SIGKILL " + pod.name);
                pod.process.kill();
                exited = true;
            }
            if (exited) {
                pods.remove(pod.name);
                gone.put(pod.name, pod.process);
                objects.remove(pod.name);
                timeline.accept("pod " + pod.name + " (" + pod.version + ") gone");
            }
            return;
        }
        if (!pod.process.isAlive()) {
            // Container crashed: same pod, same IP, restarted by the kubelet, not ready until probed again.
            pod.restarts++;
            setReady(pod, false);
            timeline.accept("kubelet: " + pod.name + " exited, restarting container (restart " + pod.restarts + ")");
            gone.put(pod.name + "#" + pod.restarts, pod.process);
            pod.process = startProcess(pod);
            return;
        }
        // The kubelet's readiness defaults: 1 s timeout, one success makes a pod ready, three failures in a row
        // make it not ready (a single slow answer on a loaded machine is not a flap).
        if (probe(pod)) {
            pod.probeFailures = 0;
            setReady(pod, true);
        } else if (++pod.probeFailures >= PROBE_FAILURE_THRESHOLD || !pod.ready) {
            setReady(pod, false);
        }
    }

    private void setReady(PodRuntime pod, boolean ready) {
        if (pod.ready != ready) {
            pod.ready = ready;
            objects.setReady(pod.name, ready);
            timeline.accept("pod " + pod.name + " (" + pod.version + ", " + pod.ip + ") "
                    + (ready ? "ready" : "not ready"));
        }
    }

    /** Ready when every container's readiness probe passes: the observer's, and the web server's beside it. */
    private boolean probe(PodRuntime pod) {
        return probe("http://" + pod.ip + ":" + observerPort(pod) + "/q/health/ready")
                && (pod.web == null || probe("http://" + pod.ip + ":" + port + "/"));
    }

    private int observerPort(PodRuntime pod) {
        return pod.web == null ? port : observerPort;
    }

    private boolean probe(String url) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(PROBE_TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The Deployment controller's rolling-update arithmetic (deployment/rolling.go), one step per loop turn. */
    private void deploymentController() throws IOException {
        if (version == null) {
            return;
        }
        List<PodRuntime> live = pods.values().stream().filter(p -> !p.terminating).toList();
        List<PodRuntime> current = live.stream().filter(p -> p.version.equals(version)).toList();
        List<PodRuntime> old = live.stream().filter(p -> !p.version.equals(version)).toList();
        int minAvailable = replicas - maxUnavailable();

        // Scale up the new ReplicaSet within the surge.
        int scaleUp = Math.min(replicas + maxSurge() - live.size(), replicas - current.size());
        for (int i = 0; i < scaleUp; i++) {
            createPod();
        }
        if (old.isEmpty()) {
            // Plain scale-down: not-ready pods first.
            current.stream().sorted(Comparator.comparing((PodRuntime p) -> p.ready)
                    .thenComparingInt(p -> p.deletionCost))
                    .limit(Math.max(0, current.size() - replicas)).forEach(this::beginTermination);
            return;
        }
        if (holdScaleDown) {
            return;
        }
        // Scale down old pods: never below minAvailable counting the new pods that are not ready yet; lower
        // deletion costs first (stable otherwise: oldest first).
        old = old.stream().sorted(Comparator.comparingInt((PodRuntime p) -> p.deletionCost)).toList();
        long newUnavailable = current.stream().filter(p -> !p.ready).count();
        long maxScaledDown = live.size() - minAvailable - newUnavailable;
        for (PodRuntime pod : old) {
            if (maxScaledDown > 0 && !pod.ready) {
                beginTermination(pod); // unhealthy old pods cost no availability
                maxScaledDown--;
            }
        }
        long available = live.stream().filter(p -> p.ready && !p.terminating).count();
        long healthyDown = Math.min(maxScaledDown, available - minAvailable);
        for (PodRuntime pod : old) {
            if (healthyDown > 0 && pod.ready && !pod.terminating) {
                beginTermination(pod);
                healthyDown--;
            }
        }
    }

    /** maxSurge rounds up, maxUnavailable rounds down; both zero is not allowed, so surge becomes 1. */
    private int maxSurge() {
        int surge = (int) Math.ceil(options.maxSurge() * replicas);
        return surge == 0 && maxUnavailable() == 0 ? 1 : surge;
    }

    private int maxUnavailable() {
        return (int) Math.floor(options.maxUnavailable() * replicas);
    }

    private void createPod() throws IOException {
        String name = APP + "-" + Integer.toHexString(version.hashCode() & 0xfffff) + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
        String ip = options.podIpPrefix() + nextIp++;
        if (nextIp > 254) {
            throw new IllegalStateException("out of loopback addresses for pods");
        }
        PodRuntime pod = new PodRuntime(name, ip, version);
        if (options.sidecarSite() != null) {
            objects.addPod(name, ip, Map.of("http", port, "observer", observerPort));
            pod.web = StaticSiteContainer.start(ip, port, options.sidecarSite());
        } else {
            objects.addPod(name, ip, port);
        }
        pod.process = startProcess(pod);
        pods.put(name, pod);
        timeline.accept("pod " + name + " (" + version + ", " + ip + ") created");
    }

    private ServiceProcess startProcess(PodRuntime pod) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(options.serviceEnv());
        env.put("POD_NAME", pod.name);
        env.put("POD_NAMESPACE", NAMESPACE);
        env.put("POD_IP", pod.ip);
        env.put("APP_VERSION", pod.version);
        env.put("KUBECONFIG", podKubeconfig.toString());
        if (apiProxy != null && !api.real()) {
            // Names the pod on every API request (fabric8 sends Impersonate-User), so the fault proxy can count
            // per pod; the mock ignores the header. Not against a real API server: it would check the right to
            // impersonate.
            env.put("KUBERNETES_IMPERSONATE_USERNAME", pod.name);
        }
        env.put("OBSERVER_CLUSTER_SERVICE_NAME", SERVICE);
        env.put("OBSERVER_LEADER_LEASE_NAME", LEASE);
        if (pod.web != null) {
            env.put("OBSERVER_CLUSTER_PORT_NAME", "observer"); // as the chart's sidecar mode sets it
        }
        return options.podJar() == null ? ServiceProcess.start(pod.ip, observerPort(pod), env)
                : ServiceProcess.start(options.podJar(), pod.ip, observerPort(pod), env);
    }

    private void beginTermination(PodRuntime pod) {
        if (pod.terminating) {
            return;
        }
        pod.terminating = true;
        pod.terminationStarted = System.nanoTime();
        terminationStarted.put(pod.name, pod.terminationStarted);
        objects.beginTermination(pod.name);
        if (version != null && pods.values().stream().noneMatch(p -> !p.terminating && !p.version.equals(version))) {
            lastOldPodLeftNanos = System.nanoTime(); // the last old pod just left the Endpoints: convergence
        }
        timeline.accept("pod " + pod.name + " (" + pod.version + ") terminating");
    }

    /**
     * Stops everything; then fails (after the clean-up) if any pod process, running or gone, logged a Vert.x
     * blocked-thread warning.
     */
    @Override
    public void close() throws Exception {
        loop.shutdownNow();
        loop.awaitTermination(10, TimeUnit.SECONDS);
        for (PodRuntime pod : pods.values()) {
            if (pod.web != null) {
                pod.web.close();
            }
        }
        List<ServiceProcess> processes = new ArrayList<>(gone.values());
        pods.values().stream().filter(p -> p.process != null).forEach(p -> processes.add(p.process));
        List<String> failures = new ArrayList<>();
        for (ServiceProcess process : processes) {
            try {
                process.close();
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        try {
            closeInfrastructure();
        } finally {
            if (!failures.isEmpty()) {
                throw new AssertionError(String.join("\n", failures));
            }
        }
    }

    private void closeInfrastructure() throws Exception {
        leaseWatch.close();
        service.close();
        if (ingress != null) {
            ingress.close();
        }
        if (apiProxy != null) {
            apiProxy.close();
            java.nio.file.Files.deleteIfExists(podKubeconfig);
        }
        client.close();
        api.close();
    }
}

package dev.versionobserver.localcluster;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.versionobserver.support.ServiceProcess;

/**
 * The Ingress stand-in: a real nginx (Debian's {@code nginx-light}) set up the way ingress-nginx sets up a
 * WebSocket backend (HTTP/1.1 upgrade, the client's Host passed through, X-Forwarded-For overwritten with the peer
 * it saw, X-Forwarded-Host / -Port / -Proto, X-Real-IP, read and send timeouts), whose upstreams are the ready pod
 * addresses; a change of them rewrites the configuration and reloads nginx, as ingress-nginx does when it cannot
 * update its balancer in place. Old workers keep their upgraded connections after a reload, as there.
 *
 * <p>Each listener is one Ingress host with its own timeouts. nginx connects to the pods from {@link #SOURCE}, the
 * address pods are told to trust.
 */
public final class NginxIngress implements AutoCloseable {

    /** The address nginx connects to the pods from (proxy_bind). */
    public static final String SOURCE = "127.0.0.1";
    /** The harness's own path on every listener: which configuration generation served the request. */
    private static final String GENERATION_PATH = "/.ingress-generation";
    private static final HttpClient PROBE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    /**
     * One Ingress host: nginx' idle read timeout on a proxied connection, and what it sends as X-Forwarded-Proto
     * ("https" stands for TLS terminated at the Ingress) and as Host (null: the client's own, as ingress-nginx).
     */
    public record Listener(Duration readTimeout, String forwardedProto, String upstreamHost) {
        public static Listener ingressNginxDefaults() {
            return new Listener(Duration.ofSeconds(60), "$scheme", null);
        }

        public Listener withReadTimeout(Duration timeout) {
            return new Listener(timeout, forwardedProto, upstreamHost);
        }

        public Listener terminatingTls(String rewrittenHost) {
            return new Listener(readTimeout, "https", rewrittenHost);
        }
    }

    private final int podPort;
    private final int observerPort;
    private final List<Listener> listeners;
    private final List<Integer> ports = new ArrayList<>();
    private final Nginx nginx;
    private List<String> upstreams = List.of();
    private List<String> ready = List.of();
    private Set<String> only;
    private int reloads;

    public static boolean available() {
        return Nginx.available();
    }

    /**
     * Routes everything to the pods' {@code podPort}; with an {@code observerPort} above 0 (sidecar pods),
     * {@code /version}, {@code /version/...} and {@code /version-observer/...} go to that port instead, as the chart's
     * Ingress routes them in sidecar mode.
     */
    NginxIngress(int podPort, int observerPort, List<Listener> listeners) throws IOException {
        this.podPort = podPort;
        this.observerPort = observerPort;
        this.listeners = List.copyOf(listeners);
        for (int i = 0; i < listeners.size(); i++) {
            ports.add(ServiceProcess.freePort());
        }
        this.nginx = Nginx.start(config(upstreams, 0),
                ports.stream().map(port -> new InetSocketAddress("127.0.0.1", port)).toList());
    }

    /** The URL of the i-th listener. */
    public String url(int listener) {
        return "http://127.0.0.1:" + ports.get(listener);
    }

    public int port(int listener) {
        return ports.get(listener);
    }

    /** How many times the configuration was reloaded for a change of ready pods. */
    public synchronized int reloads() {
        return reloads;
    }

    /** Points the upstreams at these ready pod addresses; reloads nginx if they changed. */
    synchronized void update(List<String> readyIps) throws IOException {
        ready = List.copyOf(readyIps);
        apply();
    }

    /**
     * Benchmarks only: of the ready pods, route to these alone (null: all), so that sockets opened through the
     * Ingress land where sockets opened directly do. Returns once the reload serves new connections.
     */
    public synchronized void routeOnlyTo(Collection<String> ips) throws IOException {
        only = ips == null ? null : Set.copyOf(ips);
        apply();
    }

    private void apply() throws IOException {
        List<String> sorted = ready.stream().filter(ip -> only == null || only.contains(ip)).sorted().toList();
        if (sorted.equals(upstreams)) {
            return;
        }
        upstreams = sorted;
        reloads++;
        nginx.reconfigure(config(sorted, reloads));
        awaitConfiguration(reloads);
    }

    /**
     * nginx applies a reload asynchronously: until its new workers run, the old ones answer with the old upstreams
     * (a 502 while no pod was ready). Returns once a new connection is served by configuration {@code generation},
     * so that the Ingress routes to the pods a caller has just seen become ready, as ingress-nginx does once its
     * reload is done.
     */
    private void awaitConfiguration(int generation) {
        URI probe = URI.create(url(0) + GENERATION_PATH);
        String expected = Integer.toString(generation);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
                .until(() -> expected.equals(PROBE.send(HttpRequest.newBuilder(probe).build(),
                        HttpResponse.BodyHandlers.ofString()).body()));
    }

    private String config(List<String> readyIps, int generation) {
        StringBuilder conf = new StringBuilder("""
                    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
                """);
        conf.append(upstream("pods", readyIps, podPort));
        if (observerPort > 0) {
            conf.append(upstream("observers", readyIps, observerPort));
        }
        for (int i = 0; i < listeners.size(); i++) {
            conf.append("    server {\n        listen 127.0.0.1:").append(ports.get(i)).append(";\n");
            conf.append("        location = ").append(GENERATION_PATH).append(" { return 200 \"").append(generation)
                    .append("\"; }\n");
            conf.append(location("/", "pods", listeners.get(i)));
            if (observerPort > 0) {
                for (String path : List.of("= /version", "/version/", "/version-observer/")) {
                    conf.append(location(path, "observers", listeners.get(i)));
                }
            }
            conf.append("    }\n");
        }
        return conf.toString();
    }

    private static String upstream(String name, List<String> readyIps, int port) {
        String servers = readyIps.isEmpty() ? "        server 127.0.0.1:1 down;\n"
                : readyIps.stream().map(ip -> "        server " + ip + ":" + port + " max_fails=0;\n")
                        .collect(Collectors.joining());
        return "    upstream " + name + " {\n" + servers + "    }\n";
    }

    private static String location(String path, String upstream, Listener l) {
        String host = l.upstreamHost() == null ? "$http_host" : l.upstreamHost();
        return """
                        location %5$s {
                            proxy_pass http://%6$s;
                            proxy_bind %1$s;
                            proxy_http_version 1.1;
                            proxy_set_header Upgrade $http_upgrade;
                            proxy_set_header Connection $connection_upgrade;
                            proxy_set_header Host %2$s;
                            proxy_set_header X-Request-ID $request_id;
                            proxy_set_header X-Real-IP $remote_addr;
                            proxy_set_header X-Forwarded-For $remote_addr;
                            proxy_set_header X-Forwarded-Host $http_host;
                            proxy_set_header X-Forwarded-Port $server_port;
                            proxy_set_header X-Forwarded-Proto %3$s;
                            proxy_set_header X-Forwarded-Scheme %3$s;
                            proxy_set_header X-Scheme %3$s;
                            proxy_connect_timeout 5s;
                            proxy_send_timeout %4$ds;
                            proxy_read_timeout %4$ds;
                            proxy_buffering off;
                            proxy_next_upstream error timeout;
                            proxy_next_upstream_tries 3;
                        }
                """.formatted(SOURCE, host, l.forwardedProto(), Math.max(1, l.readTimeout().toSeconds()), path,
                upstream);
    }

    /** nginx' own output and error log, for failure messages. */
    public String output() {
        return nginx.output();
    }

    @Override
    public void close() throws Exception {
        nginx.close();
    }
}

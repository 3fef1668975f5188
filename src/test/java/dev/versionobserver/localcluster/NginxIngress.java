package dev.versionobserver.localcluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
    private static final Path BINARY = Path.of(System.getProperty("vo.nginx", "/usr/sbin/nginx"));

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

    private final Path dir;
    private final int podPort;
    private final List<Listener> listeners;
    private final List<Integer> ports = new ArrayList<>();
    private final Process master;
    private List<String> upstreams = List.of();
    private List<String> ready = List.of();
    private Set<String> only;
    private int reloads;

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    NginxIngress(int podPort, List<Listener> listeners) throws IOException {
        if (!available()) {
            throw new IllegalStateException(BINARY + " not found: install Debian's nginx-light (.ci/run does)");
        }
        this.dir = Files.createTempDirectory("vo-nginx");
        this.podPort = podPort;
        this.listeners = List.copyOf(listeners);
        for (int i = 0; i < listeners.size(); i++) {
            ports.add(ServiceProcess.freePort());
        }
        Files.createDirectories(dir.resolve("temp"));
        Files.writeString(conf(), config(upstreams));
        this.master = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c", conf().toString(),
                "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        for (int port : ports) {
            awaitListening(port);
        }
    }

    private Path conf() {
        return dir.resolve("nginx.conf");
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
     * Ingress land where sockets opened directly do. The reload is asynchronous; callers wait on what they see.
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
        Files.writeString(conf(), config(sorted));
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(master.pid())).inheritIO().start();
        try {
            if (!hup.waitFor(10, TimeUnit.SECONDS) || hup.exitValue() != 0) {
                throw new IOException("nginx reload signal failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        reloads++;
    }

    private String config(List<String> readyIps) {
        String servers = readyIps.isEmpty() ? "    server 127.0.0.1:1 down;\n"
                : readyIps.stream().map(ip -> "    server " + ip + ":" + podPort + " max_fails=0;\n")
                        .collect(Collectors.joining());
        StringBuilder conf = new StringBuilder();
        if ("root".equals(System.getProperty("user.name"))) {
            conf.append("user root;\n");
        }
        conf.append("""
                worker_processes 2;
                worker_rlimit_nofile 16384;
                error_log %1$s/error.log warn;
                pid %1$s/nginx.pid;
                # ingress-nginx's default: old workers close their connections at most this long after a reload.
                worker_shutdown_timeout 240s;
                events { worker_connections 8192; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/temp/body;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;
                    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
                    upstream pods {
                %2$s    }
                """.formatted(dir, servers));
        for (int i = 0; i < listeners.size(); i++) {
            Listener l = listeners.get(i);
            String host = l.upstreamHost() == null ? "$http_host" : l.upstreamHost();
            conf.append("""
                        server {
                            listen 127.0.0.1:%d;
                            location / {
                                proxy_pass http://pods;
                                proxy_bind %s;
                                proxy_http_version 1.1;
                                proxy_set_header Upgrade $http_upgrade;
                                proxy_set_header Connection $connection_upgrade;
                                proxy_set_header Host %s;
                                proxy_set_header X-Request-ID $request_id;
                                proxy_set_header X-Real-IP $remote_addr;
                                proxy_set_header X-Forwarded-For $remote_addr;
                                proxy_set_header X-Forwarded-Host $http_host;
                                proxy_set_header X-Forwarded-Port $server_port;
                                proxy_set_header X-Forwarded-Proto %s;
                                proxy_set_header X-Forwarded-Scheme %4$s;
                                proxy_set_header X-Scheme %4$s;
                                proxy_connect_timeout 5s;
                                proxy_send_timeout %5$ds;
                                proxy_read_timeout %5$ds;
                                proxy_buffering off;
                                proxy_next_upstream error timeout;
                                proxy_next_upstream_tries 3;
                            }
                        }
                    """.formatted(ports.get(i), SOURCE, host, l.forwardedProto(),
                    Math.max(1, l.readTimeout().toSeconds())));
        }
        return conf.append("}\n").toString();
    }

    private void awaitListening(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) {
                throw new IOException("nginx exited: " + output());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                // nginx is still starting; poll again (bounded by the deadline)
            }
        }
        throw new IOException("nginx did not listen on " + port + ": " + output());
    }

    /** nginx' own output and error log, for failure messages. */
    public String output() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("nginx.out", "error.log")) {
            try {
                out.append(Files.readString(dir.resolve(name)));
            } catch (IOException absent) {
                // not written yet
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        master.destroy(); // SIGTERM: nginx' fast shutdown, workers included
        if (!master.waitFor(10, TimeUnit.SECONDS)) {
            master.destroyForcibly();
        }
    }
}

package dev.versionobserver.localcluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real nginx master process (Debian's {@code nginx-light}) in its own prefix directory, in the foreground,
 * configured with an {@code http} block of the caller's: the Ingress stand-in and the web-server container of
 * sidecar pods both run on it.
 */
final class Nginx implements AutoCloseable {

    private static final Path BINARY = Path.of(System.getProperty("vo.nginx", "/usr/sbin/nginx"));

    private final Path dir;
    private final Process master;

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Starts nginx with this {@code http} block's content and waits until it listens on every given address. */
    static Nginx start(String http, List<InetSocketAddress> listens) throws IOException {
        if (!available()) {
            throw new IllegalStateException(BINARY + " not found: install Debian's nginx-light (.ci/run does)");
        }
        Path dir = Files.createTempDirectory("vo-nginx");
        Files.createDirectories(dir.resolve("temp"));
        Files.writeString(dir.resolve("nginx.conf"), config(dir, http));
        Process master = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-g", "daemon off;").redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile()).start();
        Nginx nginx = new Nginx(dir, master);
        for (InetSocketAddress address : listens) {
            nginx.awaitListening(address);
        }
        return nginx;
    }

    private Nginx(Path dir, Process master) {
        this.dir = dir;
        this.master = master;
    }

    /** A directory of this instance's own, for files its configuration serves. */
    Path dir() {
        return dir;
    }

    /** Rewrites the configuration and reloads it (SIGHUP); old workers finish their connections as nginx does. */
    void reconfigure(String http) throws IOException {
        Files.writeString(dir.resolve("nginx.conf"), config(dir, http));
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(master.pid())).inheritIO().start();
        try {
            if (!hup.waitFor(10, TimeUnit.SECONDS) || hup.exitValue() != 0) {
                throw new IOException("nginx reload signal failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String config(Path dir, String http) {
        StringBuilder conf = new StringBuilder();
        if ("root".equals(System.getProperty("user.name"))) {
            conf.append("user root;\n");
        }
        return conf.append("""
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
                %2$s}
                """.formatted(dir, http)).toString();
    }

    private void awaitListening(InetSocketAddress address) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) {
                throw new IOException("nginx exited: " + output());
            }
            try (Socket probe = new Socket()) {
                probe.connect(address, 200);
                return;
            } catch (IOException notYet) {
                // nginx is still starting; poll again (bounded by the deadline)
            }
        }
        throw new IOException("nginx did not listen on " + address + ": " + output());
    }

    boolean isAlive() {
        return master.isAlive();
    }

    /** nginx' own output and error log, for failure messages. */
    String output() {
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
    public void close() throws InterruptedException {
        master.destroy(); // SIGTERM: nginx' fast shutdown, workers included
        if (!master.waitFor(10, TimeUnit.SECONDS)) {
            master.destroyForcibly();
        }
    }
}

package dev.versionobserver.localcluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The app container of a sidecar pod: a real nginx serving a static single-page app from a directory, the way many
 * teams ship theirs. It knows nothing of Version Observer; the Ingress routes {@code /version} and
 * {@code /version-observer/} to the observer container beside it.
 */
final class StaticSiteContainer implements AutoCloseable {

    private final Nginx nginx;

    private StaticSiteContainer(Nginx nginx) {
        this.nginx = nginx;
    }

    static StaticSiteContainer start(String ip, int port, Path site) throws IOException {
        return new StaticSiteContainer(Nginx.start("""
                    server {
                        listen %s:%d;
                        root %s;
                        # An SPA's routes all answer with its index page; the page itself is never cached.
                        location / { try_files $uri /index.html; }
                        location = /index.html { add_header Cache-Control "no-cache"; }
                    }
                """.formatted(ip, port, site.toAbsolutePath()), List.of(new InetSocketAddress(ip, port))));
    }

    boolean isAlive() {
        return nginx.isAlive();
    }

    String output() {
        return nginx.output();
    }

    @Override
    public void close() throws InterruptedException {
        nginx.close();
    }
}

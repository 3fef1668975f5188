package dev.versionobserver.monitor;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import dev.versionobserver.cluster.Peer;
import dev.versionobserver.json.JsonText;
import dev.versionobserver.version.AppVersion;
import dev.versionobserver.version.InvalidVersionException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;

/**
 * One {@code GET /version} to one peer, non-blocking, bounded in time (the whole request) and in memory (the body
 * is read in chunks and the connection reset past {@link #MAX_BODY_BYTES}; Vert.x' WebClient would buffer it
 * whole first). Every failure becomes a {@link PollException} with its kind.
 */
@Singleton
public class VersionPoller {

    /** A real answer is about 100 bytes. */
    static final int MAX_BODY_BYTES = 4096;

    private final HttpClient http;
    private final Duration timeout;

    public VersionPoller(Vertx vertx, MonitorConfig config) {
        this.timeout = config.pollTimeout();
        // One poll per pod lifetime: keeping connections alive would only hold sockets open.
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(false)
                .setConnectTimeout((int) timeout.toMillis())
                .setMaxInitialLineLength(1024)
                .setMaxHeaderSize(8192));
    }

    public Uni<AppVersion> fetch(Peer peer) {
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(peer.ip())
                .setPort(peer.port())
                .setURI("/version")
                .putHeader("Accept", "application/json")
                .setIdleTimeout(timeout.toMillis());
        // Kept so a timeout can reset the connection: cancelling the Uni alone would leave a trickling peer
        // (slowloris) connected until its idle timeout.
        AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
        return http.request(request)
                .invoke(inFlight::set)
                .chain(req -> req.send().chain(response -> {
                    if (response.statusCode() != 200) {
                        return Uni.createFrom().failure(
                                new PollException(PollException.Kind.ERROR, "HTTP " + response.statusCode()));
                    }
                    return response.toMulti()
                            .collect().in(Buffer::buffer, (acc, chunk) -> {
                                if (acc.length() + chunk.length() > MAX_BODY_BYTES) {
                                    throw new PollException(PollException.Kind.GARBAGE,
                                            "body larger than " + MAX_BODY_BYTES + " bytes");
                                }
                                acc.appendBuffer(chunk);
                            });
                }))
                .map(this::parse)
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .onFailure().invoke(() -> reset(inFlight.get()))
                .onCancellation().invoke(() -> reset(inFlight.get()))
                .onFailure().transform(VersionPoller::classify);
    }

    private static void reset(HttpClientRequest req) {
        if (req != null) {
            req.reset();
        }
    }

    private AppVersion parse(Buffer body) {
        Optional<String> version;
        try {
            version = JsonText.stringField(body.getBytes(), "version");
        } catch (IOException e) {
            throw new PollException(PollException.Kind.GARBAGE, "not JSON");
        }
        if (version.isEmpty()) {
            throw new PollException(PollException.Kind.GARBAGE, "no \"version\" field");
        }
        try {
            return AppVersion.parse(version.get());
        } catch (InvalidVersionException e) {
            throw new PollException(PollException.Kind.GARBAGE, e.getMessage());
        }
    }

    private static Throwable classify(Throwable t) {
        if (t instanceof PollException) {
            return t;
        }
        if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
            return new PollException(PollException.Kind.TIMEOUT, "no answer within the poll timeout");
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new PollException(PollException.Kind.UNREACHABLE, message);
    }

    @PreDestroy
    void close() {
        http.closeAndAwait();
    }
}

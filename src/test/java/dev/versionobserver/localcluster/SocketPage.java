package dev.versionobserver.localcluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A page simulated without a browser, for machines without Chromium: it loads the page through the Service to
 * learn its version, then keeps a WebSocket open (reconnecting through the Service when it drops) and counts a
 * prompt per version the way client.js does: once, on a stale hello or new_version.
 */
final class SocketPage implements DemoPage {

    private static final Pattern VERSION = Pattern.compile("window\\.appVersion = \"([^\"]+)\"");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String url;
    /** Bounded connects and handshakes, as a browser has: a pod shutting down may accept TCP and never answer. */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build();
    private final Set<String> prompted = new HashSet<>();
    private final java.util.Map<String, Integer> newVersionMessages = new java.util.HashMap<>();
    private volatile String version;
    private volatile java.net.http.WebSocket socket;
    private volatile boolean connected;
    private volatile boolean closed;
    /** What happened last, for a failing test to say where this page is stuck. */
    private volatile String lastEvent = "created";
    private final java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();

    SocketPage(String url) throws Exception {
        this.url = url;
        load();
    }

    private void load() throws Exception {
        String html = http.send(HttpRequest.newBuilder(URI.create(url + "/")).timeout(java.time.Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = VERSION.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("page without window.appVersion");
        }
        version = m.group(1);
        connect();
    }

    private void connect() {
        if (closed) {
            return;
        }
        URI ws = URI.create(url.replace("http://", "ws://") + "/version/ws?v=" + version);
        lastEvent = "connecting (attempt " + attempts.incrementAndGet() + ") at " + java.time.Instant.now();
        http.newWebSocketBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).buildAsync(ws,
                new java.net.http.WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public void onOpen(java.net.http.WebSocket webSocket) {
                socket = webSocket;
                lastEvent = "open, no hello yet, since " + java.time.Instant.now();
                webSocket.request(1);
            }

            @Override
            public CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    onMessage(text.toString());
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(java.net.http.WebSocket webSocket, int code, String reason) {
                lastEvent = "closed " + code + " " + reason + " at " + java.time.Instant.now();
                dropped();
                return null;
            }

            @Override
            public void onError(java.net.http.WebSocket webSocket, Throwable error) {
                lastEvent = "error " + error + " at " + java.time.Instant.now();
                dropped();
            }
        }).orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).whenComplete((ok, error) -> {
            if (error != null) {
                dropped();
            }
        });
    }

    private void dropped() {
        connected = false;
        if (!closed) {
            // A short fixed pause is enough for a simulation; the real client uses jittered backoff.
            java.util.concurrent.CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(this::connect);
        }
    }

    private synchronized void onMessage(String raw) {
        try {
            JsonNode message = MAPPER.readTree(raw);
            String type = message.path("type").asText();
            if ("hello".equals(type)) {
                connected = true;
                lastEvent = "greeted by " + message.path("pod").asText() + " (published "
                        + message.path("published").asText() + ", stale " + message.path("stale").asText() + ") at "
                        + java.time.Instant.now();
                if (message.path("stale").asBoolean(false)) {
                    prompted.add(message.path("published").asText());
                }
            } else if ("new_version".equals(type)) {
                newVersionMessages.merge(message.path("version").asText(), 1, Integer::sum);
                if (message.path("stale").asBoolean(false)) {
                    prompted.add(message.path("version").asText());
                }
            }
        } catch (Exception e) {
            // not ours
        }
    }

    /** How many new_version messages for {@code version} reached this page, over all its connections. */
    synchronized int newVersionMessages(String version) {
        return newVersionMessages.getOrDefault(version, 0);
    }

    /** Its state in one line: prompts, connection attempts and the last thing that happened. */
    synchronized String describe() {
        return "page " + version + ": prompted for " + prompted + ", " + attempts.get() + " connection attempt(s), last: "
                + lastEvent;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public synchronized int prompts() {
        return prompted.size();
    }

    @Override
    public void reload() {
        try {
            java.net.http.WebSocket current = socket;
            closed = true;
            if (current != null) {
                current.abort();
            }
            closed = false;
            connected = false;
            load();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String kind() {
        return "simulated page (WebSocket client; Chromium not installed)";
    }

    @Override
    public void close() {
        closed = true;
        if (socket != null) {
            socket.abort();
        }
    }
}

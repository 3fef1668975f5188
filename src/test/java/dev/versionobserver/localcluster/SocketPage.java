package dev.versionobserver.localcluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.versionobserver.support.ClientDefaults;

/**
 * A page simulated without a browser, for machines without Chromium: it loads the page through the Service to
 * learn its version, then keeps a WebSocket open (reconnecting through the Service when it drops) and prompts
 * the way client.js does: on a stale hello or new_version, unless it prompted for that version already. Every
 * prompt is counted per version ({@link #promptsFor}), so a rule that let one through twice would show; every
 * close code a server sent is recorded ({@link #closeCodes}). Like client.js it gives up on a
 * socket that is not greeted within {@link #HELLO_TIMEOUT} or leaves a heartbeat ping unanswered for
 * {@link #HEARTBEAT_TIMEOUT}, and counts those sockets ({@link #abandoned}).
 *
 * <p>That watchdog matters more here than in a browser: the JDK's WebSocket client (java.net.http, checked on 17
 * and in 25's sources) never reports a connection that ends without a close frame while a message is being handed
 * to the listener: reading the end of stream with no demand outstanding throws an InternalError inside the client,
 * and neither onClose nor onError follows (reproduced: about 1 socket in 100 when a raw server writes two frames and
 * closes; every time with a listener that takes 20 ms). A crashed pod ends its sockets exactly that way.
 */
final class SocketPage implements DemoPage {

    private static final Pattern VERSION = Pattern.compile("window\\.appVersion = \"([^\"]+)\"");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** client.js' own timings, read once from the module the pods serve (its DEFAULTS). */
    private static final Map<String, Object> CLIENT = ClientDefaults.read();
    static final Duration HELLO_TIMEOUT = ClientDefaults.millis(CLIENT, "helloTimeoutMs");
    static final Duration HEARTBEAT_INTERVAL = ClientDefaults.millis(CLIENT, "heartbeatIntervalMs");
    static final Duration HEARTBEAT_TIMEOUT = ClientDefaults.millis(CLIENT, "heartbeatTimeoutMs");

    private final String url;
    /** Bounded connects and handshakes, as a browser has: a pod shutting down may accept TCP and never answer. */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "socket-page-timers");
        thread.setDaemon(true);
        return thread;
    });
    /** The versions this page prompted for: client.js' state.prompted and localStorage claim. */
    private final Set<String> prompted = new HashSet<>();
    /** Prompts shown, per version. */
    private final Map<String, Integer> promptsByVersion = new HashMap<>();
    /**
     * The close code of every socket the server ended, in order: the code of its close frame, or 1006 where the
     * connection ended without one (the JDK client reports that as a close with 1006).
     */
    private final List<Integer> closeCodes = new ArrayList<>();
    /** Per version: new_version messages over all connections, and the most any one connection received. */
    private final Map<String, Integer> newVersionMessages = new HashMap<>();
    private final Map<String, Integer> newVersionMessagesPerSocket = new HashMap<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private volatile String version;
    private volatile Connection current;
    private volatile boolean closed;
    /** What happened last, for a failing test to say where this page is stuck. */
    private volatile String lastEvent = "created";

    SocketPage(String url) throws Exception {
        this.url = url;
        load();
    }

    private void load() throws Exception {
        String html = http.send(HttpRequest.newBuilder(URI.create(url + "/")).timeout(Duration.ofSeconds(10)).build(),
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
        Connection connection = new Connection();
        current = connection;
        connection.open();
    }

    /** One socket and its watchdog; a connection that was replaced or given up on ignores whatever it hears. */
    private final class Connection implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final Map<String, Integer> newVersions = new HashMap<>();
        private volatile WebSocket socket;
        private volatile boolean greeted;
        private volatile boolean over;
        private ScheduledFuture<?> watchdog;
        private ScheduledFuture<?> heartbeat;

        void open() {
            URI ws = URI.create(url.replace("http://", "ws://") + "/version/ws?v=" + version);
            lastEvent = "connecting (attempt " + attempts.incrementAndGet() + ") at " + Instant.now();
            arm(HELLO_TIMEOUT, "no hello");
            http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(ws, this)
                    .whenComplete((ok, error) -> {
                        if (error != null) {
                            end("handshake failed: " + error);
                        }
                    });
        }

        private synchronized void arm(Duration after, String why) {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            watchdog = timers.schedule(() -> abandon(why), after.toMillis(), TimeUnit.MILLISECONDS);
        }

        private synchronized void disarm() {
            if (watchdog != null) {
                watchdog.cancel(false);
                watchdog = null;
            }
        }

        private synchronized void startHeartbeat() {
            heartbeat = timers.scheduleWithFixedDelay(() -> {
                synchronized (this) {
                    if (over || watchdog != null) {
                        return; // the previous ping is still unanswered: its deadline stands
                    }
                    arm(HEARTBEAT_TIMEOUT, "no answer to ping");
                }
                try {
                    socket.sendText("{\"type\":\"ping\"}", true);
                } catch (RuntimeException e) {
                    // a socket that cannot send either: the armed deadline gives up on it
                }
            }, HEARTBEAT_INTERVAL.toMillis(), HEARTBEAT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Gives up on a silent socket: the server may still think it open, so it is aborted, not closed. */
        private void abandon(String why) {
            WebSocket dead = socket;
            if (!end("abandoned (" + why + ")")) {
                return; // it ended another way meanwhile
            }
            abandoned.incrementAndGet();
            if (dead != null) {
                dead.abort();
            }
        }

        /** Ends this connection once; returns whether this call ended it. */
        private boolean end(String why) {
            synchronized (this) {
                if (over) {
                    return false;
                }
                over = true;
                disarm();
                if (heartbeat != null) {
                    heartbeat.cancel(false);
                }
            }
            lastEvent = why + " at " + Instant.now();
            if (!closed && current == this) {
                // A short fixed pause is enough for a simulation; the real client uses jittered backoff.
                CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(SocketPage.this::connect);
            }
            return true;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            if (over) {
                webSocket.abort(); // given up on before its handshake completed
                return;
            }
            lastEvent = "open, no hello yet, since " + Instant.now();
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last && !over) {
                if (greeted) {
                    disarm(); // anything the server says proves the socket alive
                }
                onMessage(this, text.toString());
            }
            if (last) {
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
            if (!over) {
                synchronized (SocketPage.this) {
                    closeCodes.add(code);
                }
            }
            end("closed " + code + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end("error " + error);
        }
    }

    private synchronized void onMessage(Connection connection, String raw) {
        JsonNode message;
        try {
            message = MAPPER.readTree(raw);
        } catch (Exception e) {
            return; // not ours
        }
        String type = message.path("type").asText();
        if ("hello".equals(type)) {
            lastEvent = "greeted by " + message.path("pod").asText() + " (published "
                    + message.path("published").asText() + ", stale " + message.path("stale").asText() + ") at "
                    + Instant.now();
            if (!connection.greeted) {
                connection.greeted = true;
                connection.disarm();
                connection.startHeartbeat();
            }
            if (message.path("stale").asBoolean(false)) {
                onStale(message.path("published").asText());
            }
        } else if ("new_version".equals(type)) {
            String version = message.path("version").asText();
            newVersionMessages.merge(version, 1, Integer::sum);
            int onThisSocket = connection.newVersions.merge(version, 1, Integer::sum);
            newVersionMessagesPerSocket.merge(version, onThisSocket, Math::max);
            if (message.path("stale").asBoolean(false)) {
                onStale(version);
            }
        }
    }

    /** client.js' onStale: prompt unless this page prompted for the version already. */
    private void onStale(String version) {
        if (prompted.contains(version)) {
            return;
        }
        prompted.add(version);
        promptsByVersion.merge(version, 1, Integer::sum);
    }

    /** Prompts this page showed for {@code version}. */
    synchronized int promptsFor(String version) {
        return promptsByVersion.getOrDefault(version, 0);
    }

    /** Close codes of the sockets the server closed, in order. */
    synchronized List<Integer> closeCodes() {
        return List.copyOf(closeCodes);
    }

    /** How many new_version messages for {@code version} reached this page, over all its connections. */
    synchronized int newVersionMessages(String version) {
        return newVersionMessages.getOrDefault(version, 0);
    }

    /** The most new_version messages for {@code version} that one socket of this page received. */
    synchronized int newVersionMessagesOnOneSocket(String version) {
        return newVersionMessagesPerSocket.getOrDefault(version, 0);
    }

    /** Sockets this page gave up on because they stayed silent (no hello, or a ping unanswered). */
    int abandoned() {
        return abandoned.get();
    }

    /** Its state in one line: prompts, connection attempts and the last thing that happened. */
    synchronized String describe() {
        return "page " + version + ": prompts " + promptsByVersion + ", closes " + closeCodes + ", " + attempts.get() + " connection attempt(s), "
                + abandoned.get() + " abandoned as silent, last: " + lastEvent;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public boolean connected() {
        Connection connection = current;
        return connection != null && connection.greeted && !connection.over;
    }

    @Override
    public synchronized int prompts() {
        return promptsByVersion.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public void reload() {
        try {
            Connection old = current;
            current = null; // so that ending it does not reconnect
            if (old != null) {
                if (old.socket != null) {
                    old.socket.abort();
                }
                old.end("reloaded");
            }
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
        Connection connection = current;
        if (connection != null && connection.socket != null) {
            connection.socket.abort();
        }
        timers.shutdownNow();
    }
}

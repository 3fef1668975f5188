package dev.versionobserver.support;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A Jakarta WebSocket test client that records every text message and the close reason. */
public final class WsClient implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A text message and the System.nanoTime() at which it arrived. */
    public record Received(JsonNode json, long arrivedNanos) {
    }

    private record Text(String text, long arrivedNanos) {
    }

    private final LinkedBlockingQueue<Text> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final Session session;

    private WsClient(URI uri) throws Exception {
        this(uri, java.util.Map.of());
    }

    private WsClient(URI uri, java.util.Map<String, String> headers) throws Exception {
        WebSocketContainer container = ContainerProvider.getWebSocketContainer();
        this.session = container.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> messages.add(
                        new Text(text, System.nanoTime())));
            }

            @Override
            public void onClose(Session session, CloseReason reason) {
                closed.complete(reason);
            }
        }, ClientEndpointConfig.Builder.create().configurator(new ClientEndpointConfig.Configurator() {
            @Override
            public void beforeRequest(java.util.Map<String, java.util.List<String>> request) {
                headers.forEach((k, v) -> request.put(k, java.util.List.of(v)));
            }
        }).build(), uri);
    }

    public static WsClient connect(URI uri) throws Exception {
        return new WsClient(uri);
    }

    /** Connects with extra handshake headers (e.g. Origin). */
    public static WsClient connect(URI uri, java.util.Map<String, String> headers) throws Exception {
        return new WsClient(uri, headers);
    }

    /** Next text message as JSON, failing the test if none arrives within the bound. */
    public JsonNode next(Duration within) throws Exception {
        return nextReceived(within).json();
    }

    /** Next text message with its arrival time, failing the test if none arrives within the bound. */
    public Received nextReceived(Duration within) throws Exception {
        Text message = messages.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no WebSocket message within " + within);
        }
        return new Received(MAPPER.readTree(message.text()), message.arrivedNanos());
    }

    /** How many messages arrived and were not taken yet. */
    public int pending() {
        return messages.size();
    }

    /** Messages received so far and not yet taken. */
    public List<String> drain() {
        List<Text> taken = new java.util.ArrayList<>();
        messages.drainTo(taken);
        return taken.stream().map(Text::text).toList();
    }

    public CloseReason awaitClose(Duration within) throws Exception {
        return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public void sendText(String text) throws IOException {
        session.getBasicRemote().sendText(text);
    }

    public void sendBinary(byte[] bytes) throws IOException {
        session.getBasicRemote().sendBinary(ByteBuffer.wrap(bytes));
    }

    @Override
    public void close() throws IOException {
        if (session.isOpen()) {
            session.close();
        }
    }
}

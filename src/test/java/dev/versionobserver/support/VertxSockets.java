package dev.versionobserver.support;

import java.util.function.Consumer;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Vert.x WebSocket connects whose handlers are in place before the first frame can be read.
 *
 * <p>Why: started from a thread outside Vert.x, a connect's completion handler is registered on the returned future
 * after the handshake may already have completed on the event loop, and the server's first message (the hello)
 * was then, once in a few thousand sockets, never seen (ServerRestartIT, sessions 10-11; a storm benchmark,
 * session 12). Here the connect starts on an event loop and {@code onOpen} runs in the task that completes it.
 */
public final class VertxSockets {

    private VertxSockets() {
    }

    /**
     * Connects with {@code client} from an event loop of {@code vertx}; {@code onOpen} (set the socket's handlers
     * there) runs before the returned future completes, on the event loop that completed the handshake.
     */
    public static Future<WebSocket> connect(Vertx vertx, HttpClient client, WebSocketConnectOptions options,
            Consumer<WebSocket> onOpen) {
        return connect(vertx, () -> client.webSocket(options), onOpen);
    }

    /** The same with a {@link WebSocketClient} (e.g. one bound to a local address). */
    public static Future<WebSocket> connect(Vertx vertx, WebSocketClient client, WebSocketConnectOptions options,
            Consumer<WebSocket> onOpen) {
        return connect(vertx, () -> client.connect(options), onOpen);
    }

    private static Future<WebSocket> connect(Vertx vertx, Supplier<Future<WebSocket>> connecting,
            Consumer<WebSocket> onOpen) {
        Promise<WebSocket> opened = Promise.promise();
        vertx.runOnContext(start -> connecting.get().onComplete(result -> {
            if (result.succeeded()) {
                onOpen.accept(result.result());
            }
            opened.handle(result);
        }));
        return opened.future();
    }
}

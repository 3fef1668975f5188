package dev.versionobserver.push;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * Test-only endpoint for the browser client's watchdog: its first socket is never greeted (a hello lost on the way,
 * or a server that accepted and went quiet); every later one is greeted with "2.0.0 is published, you are stale".
 */
@ServerEndpoint("/test/greets-late")
@ApplicationScoped
public class GreetsLateSocket {

    private final AtomicInteger opened = new AtomicInteger();
    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();

    @OnOpen
    public void onOpen(Session session) {
        if (opened.incrementAndGet() > 1) {
            session.getAsyncRemote().sendText("{\"type\":\"hello\",\"protocol\":1,\"server\":\"2.0.0\",\"pod\":\"test\","
                    + "\"published\":\"2.0.0\",\"stale\":true}");
        }
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        closes.add(reason);
    }

    int opened() {
        return opened.get();
    }

    List<CloseReason> closes() {
        return List.copyOf(closes);
    }
}

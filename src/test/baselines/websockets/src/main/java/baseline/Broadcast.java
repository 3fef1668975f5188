package baseline;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

/** A minimal broadcast endpoint: hello on open; POST /broadcast sends one message to every open socket. */
@ServerEndpoint("/version/ws")
public class Broadcast {

    /** Endpoint instances are per connection; the naive way to reach them all is a shared set. */
    static final Set<Session> SESSIONS = ConcurrentHashMap.newKeySet();

    @OnOpen
    public void onOpen(Session session) {
        SESSIONS.add(session);
        session.getAsyncRemote().sendText("{\"type\":\"hello\"}");
    }

    @OnClose
    public void onClose(Session session) {
        SESSIONS.remove(session);
    }

    @Path("/broadcast")
    public static class Trigger {
        @POST
        public int broadcast() {
            SESSIONS.forEach(s -> s.getAsyncRemote().sendText("{\"type\":\"new_version\"}"));
            return SESSIONS.size();
        }
    }
}

package baseline;

import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocket;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

/** A minimal broadcast endpoint: hello on open; POST /broadcast sends one message to every open socket. */
@WebSocket(path = "/version/ws")
public class Broadcast {

    @OnOpen
    public String onOpen() {
        return "{\"type\":\"hello\"}";
    }

    @Path("/broadcast")
    public static class Trigger {
        @Inject
        OpenConnections connections;

        @POST
        public int broadcast() {
            int n = 0;
            for (var c : connections) {
                c.sendText("{\"type\":\"new_version\"}").subscribe().with(ok -> { }, failure -> { });
                n++;
            }
            return n;
        }
    }
}

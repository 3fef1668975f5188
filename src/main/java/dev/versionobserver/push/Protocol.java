package dev.versionobserver.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON messages of the WebSocket protocol (documented in README). Every server message carries
 * {@code "protocol": 1}; a client that sees a higher number it does not know should keep working with the fields
 * it understands.
 */
public final class Protocol {

    /** Protocol revision; bump only for changes an old client would misread. */
    public static final int VERSION = 1;

    private Protocol() {
    }

    /** Sent once on open: what is published now and whether this client is already stale. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Hello(String type, int protocol, String server, String pod, String published, Boolean stale) {
        public Hello(String server, String pod, String published, Boolean stale) {
            this("hello", VERSION, server, pod, published, stale);
        }
    }

    /** Sent once per publication. */
    public record NewVersion(String type, int protocol, String version, String previous, Boolean stale) {
        public NewVersion(String version, String previous, Boolean stale) {
            this("new_version", VERSION, version, previous, stale);
        }
    }

    /** Answer to a client's {@code {"type":"ping"}}. */
    public record Pong(String type, int protocol) {
        public static final Pong INSTANCE = new Pong("pong", VERSION);
    }

    static String json(ObjectMapper mapper, Object message) {
        try {
            return mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            // Only records of strings, numbers and booleans are written: this cannot fail short of a JVM bug.
            throw new IllegalStateException("cannot serialise " + message.getClass().getSimpleName(), e);
        }
    }
}

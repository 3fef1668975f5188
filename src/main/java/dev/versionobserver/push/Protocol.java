package dev.versionobserver.push;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonGenerator;

import dev.versionobserver.json.JsonText;

/**
 * The JSON messages of the WebSocket protocol (documented in README). Every server message carries
 * {@code "protocol": 1}; a client that sees a higher number it does not know should keep working with the fields
 * it understands. Each message writes its fields in declaration order, {@code null} included.
 */
public final class Protocol {

    /** Protocol revision; bump only for changes an old client would misread. */
    public static final int VERSION = 1;

    private Protocol() {
    }

    /** Sent once on open: what is published now and whether this client is already stale. */
    public record Hello(String type, int protocol, String server, String pod, String published, Boolean stale) {
        public Hello(String server, String pod, String published, Boolean stale) {
            this("hello", VERSION, server, pod, published, stale);
        }

        public String json() {
            return JsonText.object(json -> {
                head(json, type, protocol);
                json.writeStringField("server", server);
                json.writeStringField("pod", pod);
                json.writeStringField("published", published);
                bool(json, "stale", stale);
            });
        }
    }

    /** Sent once per publication. */
    public record NewVersion(String type, int protocol, String version, String previous, Boolean stale) {
        public NewVersion(String version, String previous, Boolean stale) {
            this("new_version", VERSION, version, previous, stale);
        }

        public String json() {
            return JsonText.object(json -> {
                head(json, type, protocol);
                json.writeStringField("version", version);
                json.writeStringField("previous", previous);
                bool(json, "stale", stale);
            });
        }
    }

    /** Answer to a client's {@code {"type":"ping"}}. */
    public record Pong(String type, int protocol) {
        public static final Pong INSTANCE = new Pong("pong", VERSION);

        public String json() {
            return JsonText.object(json -> head(json, type, protocol));
        }
    }

    /** Whether a client's text is a ping: the bare word, or an object whose {@code type} is {@code "ping"}. */
    static boolean isPing(String message) {
        if ("ping".equals(message)) {
            return true;
        }
        try {
            return JsonText.stringField(message.getBytes(StandardCharsets.UTF_8), "type")
                    .filter("ping"::equals).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private static void head(JsonGenerator json, String type, int protocol) throws IOException {
        json.writeStringField("type", type);
        json.writeNumberField("protocol", protocol);
    }

    private static void bool(JsonGenerator json, String name, Boolean value) throws IOException {
        if (value == null) {
            json.writeNullField(name);
        } else {
            json.writeBooleanField(name, value);
        }
    }
}

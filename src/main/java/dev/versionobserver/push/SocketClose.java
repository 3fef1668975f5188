package dev.versionobserver.push;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;
import jakarta.websocket.CloseReason.CloseCodes;

/**
 * Every close the server starts on {@code /version/ws}: its code and its reason phrase, in one place. Part of the
 * protocol (README "WebSocket protocol"): client.js acts on {@link #BAD_VERSION}'s phrase (it stops retrying),
 * ClientPackageTest holds the two equal, and tests name these constants instead of repeating the phrases.
 */
public enum SocketClose {

    /** The page's {@code v} is not a version: retrying cannot help. */
    BAD_VERSION(CloseCodes.VIOLATED_POLICY, "bad v parameter"),
    /** Over {@code observer.push.max-connections}. */
    TOO_MANY_CONNECTIONS(CloseCodes.TRY_AGAIN_LATER, "too many connections"),
    /** Over {@code observer.push.max-connections-per-address}. */
    TOO_MANY_FROM_ADDRESS(CloseCodes.TRY_AGAIN_LATER, "too many connections from this address"),
    /** Over {@code observer.push.max-client-messages-per-minute}. */
    TOO_MANY_MESSAGES(CloseCodes.VIOLATED_POLICY, "too many messages"),
    /** More than {@code observer.push.max-pending-sends} messages not yet written: the client does not read. */
    TOO_SLOW(CloseCodes.VIOLATED_POLICY, "too slow"),
    /** A text message over 256 bytes. */
    TOO_BIG(CloseCodes.TOO_BIG, "message too big"),
    /** Binary frames are not part of the protocol. */
    BINARY(CloseCodes.CANNOT_ACCEPT, "binary frames are not accepted"),
    /** A frame the container could not read. */
    PROTOCOL_ERROR(CloseCodes.PROTOCOL_ERROR, "protocol error"),
    /** Heard nothing (no pong, no message) for three ping intervals. */
    NO_PONG(CloseCodes.GOING_AWAY, "no pong"),
    /** Graceful shutdown: the page reconnects to another pod at once. */
    SHUTTING_DOWN(CloseCodes.GOING_AWAY, "server shutting down"),
    /** A send to the socket failed: it is closed so that the page reconnects and is greeted afresh. */
    SEND_FAILED(CloseCodes.UNEXPECTED_CONDITION, "send failed"),
    /** The container does not expose the socket's connection, so no cap or sweep could act on it. */
    UNTRACKABLE(CloseCodes.UNEXPECTED_CONDITION, "server cannot track this connection"),
    /** Open but not registered for pushes (found by the keep-alive sweep; a defect if it ever happens). */
    NOT_REGISTERED(CloseCodes.UNEXPECTED_CONDITION, "not registered");

    private final CloseCode code;
    private final String phrase;

    SocketClose(CloseCode code, String phrase) {
        this.code = code;
        this.phrase = phrase;
    }

    public int code() {
        return code.getCode();
    }

    public String phrase() {
        return phrase;
    }

    CloseReason reason() {
        return new CloseReason(code, phrase);
    }
}

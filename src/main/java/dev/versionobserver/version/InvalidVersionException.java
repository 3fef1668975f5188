package dev.versionobserver.version;

/** A string that is not an acceptable semantic version; the message says why and quotes the value. */
public class InvalidVersionException extends IllegalArgumentException {

    public InvalidVersionException(String message) {
        super(message);
    }
}

package dev.versionobserver.monitor;

import java.time.Duration;

/** One {@code /version} request to a peer ended (CDI event, fired where the answer arrives; observed by metrics). */
public record PeerPolled(Outcome outcome, Duration took) {

    /** A bounded set, used as a metric label. */
    public enum Outcome {
        OK, GARBAGE, ERROR, TIMEOUT, UNREACHABLE;

        static Outcome of(PollException.Kind failure) {
            return switch (failure) {
                case GARBAGE -> GARBAGE;
                case ERROR -> ERROR;
                case TIMEOUT -> TIMEOUT;
                case UNREACHABLE -> UNREACHABLE;
            };
        }
    }
}

package dev.versionobserver.status;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import jakarta.inject.Singleton;

/** The last state changes of this pod (leadership, cluster state, publications), newest first, bounded. */
@Singleton
public class RecentEvents {

    /** How many events are kept. */
    static final int CAPACITY = 30;

    /** One event, as shown on the status page. */
    public record Event(String at, String text) {
    }

    private final Deque<Event> events = new ArrayDeque<>();

    public synchronized void add(String text) {
        events.addFirst(new Event(Instant.now().toString(), text));
        while (events.size() > CAPACITY) {
            events.removeLast();
        }
    }

    public synchronized List<Event> list() {
        return List.copyOf(events);
    }
}

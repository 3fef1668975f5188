package dev.versionobserver.monitor;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Bounds the polls in flight across all pods. Hand-written because neither Mutiny nor Vert.x offers a global
 * asynchronous permit (Vert.x pools are per host; Mutiny's merge(n) bounds one stream, while polls here start
 * and retry independently, one retry chain per pod). A waiting poll holds no thread.
 */
final class PollGate {

    private final int permits;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    PollGate(int permits) {
        this.permits = permits;
    }

    /** Runs {@code work} once a permit is free and gives the permit back when it ends, however it ends. */
    <T> Uni<T> run(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            AtomicBoolean held = new AtomicBoolean();
            AtomicBoolean cancelled = new AtomicBoolean();
            Uni<Boolean> permit = Uni.createFrom().emitter(emitter -> acquire(() -> {
                if (cancelled.get()) {
                    release(); // cancelled while queued: hand the permit straight on
                } else {
                    held.set(true);
                    emitter.complete(true);
                }
            }));
            return permit.onCancellation().invoke(() -> cancelled.set(true))
                    .chain(ignored -> work.get())
                    .onTermination().invoke(() -> {
                        if (held.getAndSet(false)) {
                            release();
                        }
                    });
        });
    }

    private void acquire(Runnable granted) {
        waiting.add(granted);
        drain();
    }

    private void release() {
        inFlight.decrementAndGet();
        drain();
    }

    private void drain() {
        while (true) {
            int current = inFlight.get();
            if (current >= permits || waiting.isEmpty()) {
                return;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                Runnable next = waiting.poll();
                if (next == null) {
                    inFlight.decrementAndGet();
                    return;
                }
                next.run();
            }
        }
    }

    int inFlight() {
        return inFlight.get();
    }
}
